using System.Numerics;

namespace Hark.Evaluation;

/// <summary>
/// The number being assembled while reading spelled-out words: either an integer (arithmetic continues) or a
/// digit string (concatenation continues, e.g. "one oh one" → "101"). Mirrors the int/str duality of openai's normaliser.
/// </summary>
internal readonly record struct NumberValue(BigInteger? Integer, string? Digits)
{
    public static NumberValue Of(BigInteger i) => new(i, null);

    public static NumberValue Of(string s) => new(null, s);

    public bool IsString => Digits is not null;

    /// <summary>Python truthiness: 0 and "" are false.</summary>
    public bool IsTruthy => IsString ? Digits!.Length > 0 : Integer!.Value != 0;

    public override string ToString() => IsString ? Digits! : Integer!.Value.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Parses "12", "1.5", "1.", ".5" as an exact fraction (numerator, denominator), or null.</summary>
    public static (BigInteger Num, BigInteger Den)? ToFraction(string s)
    {
        var dot = s.IndexOf('.', StringComparison.Ordinal);
        var intPart = dot < 0 ? s : s[..dot];
        var fracPart = dot < 0 ? "" : s[(dot + 1)..];
        if (intPart.Length + fracPart.Length == 0) return null;
        if (!intPart.All(char.IsAsciiDigit) || !fracPart.All(char.IsAsciiDigit)) return null;
        var num = BigInteger.Parse(intPart + fracPart + (intPart + fracPart == "" ? "0" : ""), System.Globalization.CultureInfo.InvariantCulture);
        var den = BigInteger.Pow(10, fracPart.Length);
        var g = BigInteger.GreatestCommonDivisor(num, den);
        if (!g.IsZero) { num /= g; den /= g; }
        return (num, den);
    }

    public (BigInteger Num, BigInteger Den)? ToFraction() => IsString ? ToFraction(Digits!) : (Integer!.Value, BigInteger.One);
}
