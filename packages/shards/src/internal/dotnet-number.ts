/**
 * Formats a double the way .NET Core 3.0+ `double.ToString(CultureInfo.InvariantCulture)` does: the shortest
 * round-trip digits, fixed notation when the decimal exponent is in [-4, 15) (.NET: scale in [-3, 15]), otherwise `d.dddE+XX` (at
 * least two exponent digits), `-0` for negative zero, `NaN`, `Infinity`, `-Infinity`.
 *
 * JS `String(x)` agrees for ordinary values; it differs for 1e15..1e21 (JS writes all digits), below 1e-4
 * (JS writes `1e-7`, .NET `1E-07`), and for -0 (JS writes `0`).
 *
 * @internal
 */
export function formatDotNetDouble(value: number): string {
  if (Number.isNaN(value)) return "NaN";
  if (value === Number.POSITIVE_INFINITY) return "Infinity";
  if (value === Number.NEGATIVE_INFINITY) return "-Infinity";
  if (value === 0) return Object.is(value, -0) ? "-0" : "0";
  const exponential = value.toExponential(); // shortest round-trip digits, e.g. "-1.2345e+15"
  const negative = exponential.startsWith("-");
  const body = negative ? exponential.slice(1) : exponential;
  const e = body.indexOf("e");
  const digits = body.slice(0, e).replace(".", "");
  const exponent = Number(body.slice(e + 1));
  const sign = negative ? "-" : "";
  if (exponent >= 15 || exponent < -4) {
    const mantissa = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    const magnitude = String(Math.abs(exponent)).padStart(2, "0");
    return `${sign}${mantissa}E${exponent < 0 ? "-" : "+"}${magnitude}`;
  }
  if (exponent < 0) return `${sign}0.${"0".repeat(-exponent - 1)}${digits}`;
  if (digits.length <= exponent + 1) return `${sign}${digits}${"0".repeat(exponent + 1 - digits.length)}`;
  return `${sign}${digits.slice(0, exponent + 1)}.${digits.slice(exponent + 1)}`;
}
