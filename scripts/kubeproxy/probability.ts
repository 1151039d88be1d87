// How a kube-proxy `-m statistic --probability` value reads back from iptables-save; imports nothing.
//
// kube-proxy (pkg/proxy/iptables/proxier.go computeProbability) writes 1/n as fmt.Sprintf("%0.10f", 1/n).
// iptables' libxt_statistic stores lround(0x80000000 * p) in the kernel (a 31-bit fixed-point fraction) and
// iptables-save prints that back as "%.11f" of value / 0x80000000, so the saved text differs from what
// kube-proxy wrote (1/3: written 0.3333333333, saved 0.33333333349).

const TWO_POW_31 = 0x80000000;

/** kube-proxy's text for the probability of the rule that still has n endpoints to choose from. */
export function kubeProxyProbability(n: number): string {
  // Go's %f rounds the exact binary value half-to-even; JS toFixed rounds ties up (they differ at n = 2048).
  return formatDoubleHalfEven(1 / n, 10);
}

/** printf("%.<digits>f") of a non-negative double, rounding its exact value half to even. */
export function formatDoubleHalfEven(x: number, digits: number): string {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  const hi = view.getUint32(0);
  const lo = view.getUint32(4);
  const exponentBits = (hi >>> 20) & 0x7ff;
  let mantissa = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  let exponent = exponentBits - 1075;
  if (exponentBits !== 0) mantissa |= 1n << 52n;
  else exponent = -1074;
  // x = mantissa * 2^exponent exactly.
  const scale = 10n ** BigInt(digits);
  let numerator = mantissa * scale;
  let denominator = 1n;
  if (exponent >= 0) numerator <<= BigInt(exponent);
  else denominator <<= BigInt(-exponent);
  return formatRatioHalfEven(numerator, denominator, digits);
}

function formatRatioHalfEven(numerator: bigint, denominator: bigint, digits: number): string {
  let q = numerator / denominator;
  const r = numerator % denominator;
  if (r * 2n > denominator || (r * 2n === denominator && q % 2n === 1n)) q += 1n;
  const text = q.toString().padStart(digits + 1, '0');
  return `${text.slice(0, -digits)}.${text.slice(-digits)}`;
}

/** The kernel's 31-bit fixed-point value for a probability string (libxt_statistic's lround). */
export function statisticFixedPoint(probability: string): number {
  // Multiplying by a power of two is exact; lround rounds halves away from zero, as Math.round does for x ≥ 0.
  return Math.round(TWO_POW_31 * Number(probability));
}

/** The iptables-save text for a 31-bit fixed-point probability: printf("%.11f", v / 2^31), rounded exactly. */
export function formatSavedProbability(fixedPoint: number): string {
  // v / 2^31 has an exact decimal expansion; glibc's printf rounds it correctly, ties to even.
  return formatRatioHalfEven(BigInt(fixedPoint) * 100_000_000_000n, BigInt(TWO_POW_31), 11);
}

/** The probability an iptables-save dump shows on the kube-proxy rule that picks among n endpoints. */
export function savedProbability(n: number): string {
  return formatSavedProbability(statisticFixedPoint(kubeProxyProbability(n)));
}
