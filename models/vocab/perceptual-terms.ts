/**
 * perceptgraph's own perceptual and aesthetic vocabulary, written for this project (not copied from any tag
 * library). The I&2T filter counts these terms (DeCLIP keeps a description with ≥ 7 of them) and
 * `TextSplitPerceptualSemantic` moves them out of a prompt into its perceptual half.
 *
 * Choices, so the list stays precise rather than merely long:
 * - Words that usually name *content* are left out even when they can describe a look: plain colour names (red,
 *   blue), "light" alone (street light), "background"/"foreground", "pattern", "subject", "good"/"bad".
 *   Their perceptual uses are covered by phrases instead ("natural light", "blurred background").
 * - Hyphens and spaces are interchangeable at match time, so "soft-lit" also covers "soft lit".
 * - Inflections are listed explicitly ("blur", "blurry", "blurred"): matching is by whole word.
 */

/** Terms grouped by what they describe; group names are documentation only. */
export const PERCEPTUAL_TERM_GROUPS = {
  sharpness: `sharp, sharpness, sharply, crisp, crispness, tack-sharp, razor-sharp, in focus, out of focus, focused,
    unfocused, defocused, defocus, misfocused, soft focus, blur, blurry, blurred, blurriness, blurring, motion blur,
    camera shake, shaky, smeared, smudged, fuzzy, hazy, haze, clarity, clear, detailed, fine detail, fine details,
    well-defined, ill-defined, soft, softness, mushy, ghosting, double image, oversharpened, sharpening halos`,
  noise: `noise, noisy, noiseless, noise-free, low noise, heavy noise, grain, grainy, graininess, film grain,
    speckled, speckles, clean, salt and pepper, high iso, luminance noise, color noise, chroma noise, dithering,
    mottled, noise reduction, denoised, smoothed`,
  exposure: `bright, brightness, brighter, dark, darker, darkness, dim, dimly lit, dull, exposure, exposed,
    overexposed, underexposed, well-exposed, properly exposed, blown out, blown highlights, clipped highlights,
    crushed blacks, washed out, faded, murky, gloomy, luminous, radiant, glowing, glow, highlights, shadows,
    shadow detail, midtones, low-key, high-key, dynamic range, hdr, silhouette, silhouetted, long exposure`,
  contrast: `contrast, contrasty, high contrast, low contrast, flat, punchy, muted, tonal, tonal range, tones,
    tonality, gradation, deep blacks, bright whites, matte, soft contrast, harsh, tone mapping, tone-mapped`,
  colour: `colorful, colourful, colorfulness, colourfulness, color, colour, colors, colours, coloring, vibrant,
    vibrancy, vivid, saturated, saturation, oversaturated, desaturated, undersaturated, pastel, pastels, monochrome,
    monochromatic, black and white, grayscale, greyscale, sepia, duotone, warm, warm tones, warm colors, cool tones,
    cold tones, color cast, colour cast, white balance, tint, tinted, hue, hues, palette, color palette,
    color harmony, colour harmony, harmonious colors, complementary colors, earthy tones, neon, rich colors,
    bold colors, faded colors, dull colors, muted colors, color grading, colour grading, color graded, toned,
    cross-processed, golden hour, blue hour, split toning, washed-out colors`,
  artifacts: `compression, compressed, jpeg, jpeg artifacts, compression artifacts, artifact, artifacts, artefact,
    artefacts, blocky, blockiness, macroblocking, pixelated, pixelation, pixelly, aliasing, jaggies, jagged edges,
    banding, posterized, posterization, ringing, halo, halos, moire, chromatic aberration, fringing, purple fringing,
    vignette, vignetting, distortion, distorted, lens distortion, barrel distortion, low resolution, high resolution,
    low-res, hi-res, lo-fi, upscaled, overprocessed, over-processed, lossy, degraded, degradation, corrupted,
    glitchy, plasticky, waxy`,
  quality: `quality, image quality, high quality, low quality, good quality, poor quality, bad quality,
    excellent quality, mediocre, flawless, technically, professional, amateur, amateurish, snapshot, polished,
    refined, well done, poorly done, pleasing, unappealing, aesthetic, aesthetics, aesthetically pleasing,
    beautiful, stunning, striking, gorgeous, ugly, boring, interesting, captivating, eye-catching, appealing`,
  lighting: `lighting, lit, well-lit, poorly lit, backlit, backlighting, side-lit, side lighting, front-lit,
    rim light, rim lighting, soft light, soft-lit, hard light, harsh light, harsh lighting, harsh shadows,
    soft shadows, diffuse, diffused, diffused light, natural light, natural lighting, ambient light, low light,
    dramatic lighting, studio lighting, moody lighting, cinematic lighting, candlelit, sunlit, sun-drenched,
    dappled, dappled light, flare, lens flare, glare, light and shadow, chiaroscuro, spotlight, spotlit,
    even lighting, flat lighting, underlit, overlit, illumination, illuminated, glowing light, warm light, cold light`,
  composition: `composition, composed, well-composed, poorly composed, framing, framed, cropped, tight crop,
    rule of thirds, centered, centred, off-center, off-centre, symmetry, symmetric, symmetrical, asymmetry,
    asymmetric, asymmetrical, balance, balanced, unbalanced, leading lines, leading line, negative space,
    minimalist, minimalistic, minimalism, cluttered, clutter, busy composition, clean composition, perspective,
    vanishing point, tilted, crooked horizon, diagonal lines, geometric, repetition, rhythm, layering, layered,
    close-up, closeup, wide-angle, telephoto, macro, aerial view, low angle, high angle, bird's eye view,
    panoramic, juxtaposition, focal point, main subject, subject isolation, object emphasis, emphasis,
    simplicity, visual weight, visual flow, golden ratio, proportion`,
  depthOfField: `depth of field, shallow depth of field, deep depth of field, shallow focus, deep focus, bokeh,
    creamy bokeh, background blur, blurred background, selective focus, tilt-shift, dof, isolated subject,
    depth`,
  mood: `moody, dreamy, ethereal, atmospheric, atmosphere, mood, cinematic, dramatic, serene, calm, tranquil,
    peaceful, melancholic, melancholy, nostalgic, vintage, retro, film look, analog, lomo, grungy, gritty,
    surreal, whimsical, romantic, mysterious, eerie, ominous, cheerful, lively, energetic, dynamic, elegant,
    graceful, harmonious, harmony, artistic, painterly, impressionistic, abstract, stylized, stylised, natural,
    realistic, lifelike, photorealistic, candid, glossy, airy, light and airy, dark and moody, intimate, bold,
    subtle, delicate, evocative, expressive, emotional, gentle, soothing, vivid mood, cozy, stark, haunting`,
  texture: `texture, textured, textures, smooth, smoothness, rough, silky, velvety, fine texture, detail, details`,
  technique: `aperture, shutter speed, slow shutter, fast shutter, iso, f-stop, wide aperture, exposure time,
    post-processing, edited, retouched, filter, filtered, panning, motion trails, light trails, frozen motion,
    white point, black point, histogram, overcooked, overdone, processed, unprocessed`,
} as const satisfies Record<string, string>;

/** Every default term, lower-case, deduplicated, in group order. */
export const DEFAULT_PERCEPTUAL_TERMS: readonly string[] = [
  ...new Set(
    Object.values(PERCEPTUAL_TERM_GROUPS)
      .flatMap((group) => group.split(','))
      .map((t) => t.trim().toLowerCase().replace(/\s+/g, ' '))
      .filter((t) => t.length > 0),
  ),
];
