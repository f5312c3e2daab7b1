/**
 * A port of PyTorch's CPU random generator as `torch.manual_seed(seed); torch.randn(n)` uses it, so a seed gives
 * the same starting noise as ComfyUI (which always draws its noise on the CPU) and diffusers with a CPU generator.
 *
 * What it reproduces (checked against pytorch `aten/src/ATen/core/MT19937RNGEngine.h`,
 * `CPUGeneratorImpl.cpp`, `core/DistributionsHelper.h`, `native/cpu/DistributionTemplates.h`):
 * - the engine is the reference MT19937 (mt19937ar) seeded with the LOW 32 BITS of the 64-bit seed;
 * - float32 `randn` of n ≥ 16 elements: n uniforms u = (r & 0xFFFFFF)/2^24 from successive 32-bit outputs, then
 *   Box–Muller over blocks of 16 (element j pairs with j+8: radius √(−2 ln(1−u_j)), angle 2π·u_{j+8}, cos to j,
 *   sin to j+8); if n is not a multiple of 16, the LAST 16 elements are refilled with 16 new uniforms and
 *   transformed again;
 * - n < 16: each element is a double-precision Box–Muller sample from two 53-bit uniforms built from two 32-bit
 *   outputs each (hi·2^32 + lo), the sine half cached on the generator for the next draw, then cast to float32.
 *
 * Accuracy: the float path computes ln/cos/sin in float64 and rounds to float32, so values can differ from
 * PyTorch's (whose AVX2 build uses polynomial approximations) in the last bit or two (~1e-7 relative). The uniform
 * stream, and so the noise up to that rounding, is identical. Tests pin the widely printed seed-0 values.
 */

const N = 624;
const M = 397;
const TWO_POW_24 = 16777216;
const TWO_POW_32 = 4294967296;
const TWO_POW_53 = 9007199254740992;

/** Reference MT19937 (Matsumoto & Nishimura 2002), 32-bit outputs. */
export class Mt19937 {
  private readonly state = new Uint32Array(N);
  private index = N;

  /** Seeds with `init_genrand(seed mod 2^32)`, as `at::mt19937` does with its 64-bit seed. */
  constructor(seed: bigint | number) {
    const s = typeof seed === 'bigint' ? Number(BigInt.asUintN(32, seed)) : seed >>> 0;
    this.state[0] = s;
    for (let i = 1; i < N; i++) {
      const prev = this.state[i - 1]! ^ (this.state[i - 1]! >>> 30);
      // 1812433253 · prev + i mod 2^32, split to stay exact in float64.
      this.state[i] = (Math.imul(1812433253, prev) + i) >>> 0;
    }
  }

  /** The next 32-bit output as a non-negative integer. */
  nextUint32(): number {
    if (this.index >= N) this.twist();
    let y = this.state[this.index++]!;
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }

  private twist(): void {
    const st = this.state;
    for (let i = 0; i < N; i++) {
      const y = (st[i]! & 0x80000000) | (st[(i + 1) % N]! & 0x7fffffff);
      st[i] = st[(i + M) % N]! ^ (y >>> 1) ^ (y & 1 ? 0x9908b0df : 0);
    }
    this.index = 0;
  }
}

/** PyTorch's CPU generator state as `randn` uses it: the engine plus the cached second Box–Muller sample. */
export class TorchCpuGenerator {
  private readonly engine: Mt19937;
  private cachedNormal: number | undefined;

  /** Like `torch.manual_seed(seed)`: seed is an unsigned 64-bit integer (only its low 32 bits matter). */
  constructor(seed: bigint | number) {
    this.engine = new Mt19937(seed);
  }

  /** `at::uniform_real_distribution<float>(0, 1)`: 24 random bits / 2^24. */
  private uniformFloat(): number {
    return (this.engine.nextUint32() & 0xffffff) / TWO_POW_24;
  }

  /** `at::uniform_real_distribution<double>(0, 1)`: 53 bits of `random64()` (hi·2^32 + lo) / 2^53. */
  private uniformDouble(): number {
    const hi = this.engine.nextUint32();
    const lo = this.engine.nextUint32();
    return ((hi & 0x1fffff) * TWO_POW_32 + lo) / TWO_POW_53;
  }

  /** `at::normal_distribution<double>(0, 1)` with the generator-level cache of the sine half. */
  private normalDouble(): number {
    if (this.cachedNormal !== undefined) {
      const v = this.cachedNormal;
      this.cachedNormal = undefined;
      return v;
    }
    const u1 = this.uniformDouble();
    const u2 = this.uniformDouble();
    const r = Math.sqrt(-2 * Math.log1p(-u2));
    const theta = 2 * Math.PI * u1;
    this.cachedNormal = r * Math.sin(theta);
    return r * Math.cos(theta);
  }

  /** `torch.randn(n)` (float32, contiguous): n standard-normal samples, advancing the generator. */
  randn(n: number): Float32Array {
    if (!Number.isInteger(n) || n < 0) throw new Error(`randn: size must be a non-negative integer, got ${n}`);
    const out = new Float32Array(n);
    if (n < 16) {
      for (let i = 0; i < n; i++) out[i] = this.normalDouble();
      return out;
    }
    for (let i = 0; i < n; i++) out[i] = this.uniformFloat();
    for (let i = 0; i + 16 <= n; i += 16) boxMuller16(out, i);
    if (n % 16 !== 0) {
      // PyTorch recomputes the last 16 values from fresh uniforms rather than handle a partial block.
      const start = n - 16;
      for (let i = 0; i < 16; i++) out[start + i] = this.uniformFloat();
      boxMuller16(out, start);
    }
    return out;
  }
}

const f32 = Math.fround;

/** `normal_fill_16`: in-place Box–Muller on data[at … at+15], float32 arithmetic as PyTorch does it. */
function boxMuller16(data: Float32Array, at: number): void {
  for (let j = 0; j < 8; j++) {
    const u1 = f32(1 - data[at + j]!);
    const u2 = data[at + j + 8]!;
    const radius = f32(Math.sqrt(f32(-2 * f32(Math.log(u1)))));
    // 2.0f * pi<double> * u2 is computed in double, then stored as float.
    const theta = f32(2 * Math.PI * u2);
    data[at + j] = f32(radius * f32(Math.cos(theta)));
    data[at + j + 8] = f32(radius * f32(Math.sin(theta)));
  }
}
