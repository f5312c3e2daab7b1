/**
 * The built-in English word list the tiny BPE vocabulary is learned from: the IQA antonym prompt words
 * (good/bad photo, bright/dark, sharp/blurry, …), the DeCLIP attribute words, and common prompt words.
 * Words not in the list still tokenize (byte-level fallback), just into more pieces.
 */
export const TINY_VOCAB_WORDS: readonly string[] = `
a an the of and or with in on at to for from by is are this that it its not no very high low more less
photo photograph picture image images painting drawing sketch render illustration art artwork portrait landscape
good bad great poor excellent terrible nice ugly beautiful pretty lovely awful best worst quality aesthetic
bright dark dim light lighting shadow shadows sunny night day sunset sunrise glow
sharp blurry blur blurred focus focused soft crisp clear clean clearness detail detailed details
noisy noise grain grainy smooth artifact artifacts compression jpeg pixelated distorted distortion
colorful color colors colour dull vivid vibrant saturated faded monochrome black white red green blue yellow
orange purple pink brown gray grey gold silver warm cold cool hot
contrast exposure overexposed underexposed brightness colorfulness sharpness noisiness
composition depth field emphasis object objects subject background foreground center balance framing
happy sad natural synthetic new old scary peaceful complex simple real abstract lonely sociable relaxing stressful
man woman person people child girl boy face eye eyes hair hand smile cat dog bird horse animal flower flowers
tree trees forest mountain mountains river lake sea ocean beach sky cloud clouds sun moon star water rain snow
city street road house building car train boat bridge window door room table chair food fruit apple
style styled cinematic realistic photorealistic studio professional camera lens shot close up wide angle view
small large big tiny little long short tall
`.trim().split(/\s+/);
