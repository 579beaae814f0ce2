using System.Numerics;
using System.Text.RegularExpressions;

namespace Hark.Evaluation;

/// <summary>
/// Spelled-out English numbers to digits, as openai-whisper's <c>EnglishNumberNormalizer</c> documents it: commas
/// removed, suffixes kept (<c>1960s</c>, <c>274th</c>), currency words become symbols before the number
/// (<c>twenty dollars</c> → <c>$20</c>), "percent" → <c>%</c>, successive single digits read as nominal
/// (<c>one oh one</c> → <c>101</c>), "and a half" → <c>.5</c>, and a lone <c>1</c> written back as <c>one</c>.
/// </summary>
public sealed partial class EnglishNumberNormalizer : ITextNormalizer
{
    private static readonly string[] OnesNames =
    [
        "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
        "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen",
    ];

    private static readonly HashSet<string> Zeros = ["o", "oh", "zero"];
    private static readonly Dictionary<string, int> Ones = OnesNames.Select((n, i) => (n, i + 1)).ToDictionary(p => p.n, p => p.Item2);
    private static readonly Dictionary<string, (int Value, string Suffix)> OnesSuffixed = BuildOnesSuffixed();
    private static readonly Dictionary<string, int> Tens = new()
    {
        ["twenty"] = 20, ["thirty"] = 30, ["forty"] = 40, ["fifty"] = 50, ["sixty"] = 60, ["seventy"] = 70, ["eighty"] = 80, ["ninety"] = 90,
    };
    private static readonly Dictionary<string, (int Value, string Suffix)> TensSuffixed = Tens
        .SelectMany(t => new[] { (t.Key.Replace("y", "ies", StringComparison.Ordinal), (t.Value, "s")), (t.Key.Replace("y", "ieth", StringComparison.Ordinal), (t.Value, "th")) })
        .ToDictionary(p => p.Item1, p => p.Item2);
    private static readonly Dictionary<string, BigInteger> Multipliers = new[]
    {
        "hundred", "thousand", "million", "billion", "trillion", "quadrillion", "quintillion", "sextillion", "septillion",
        "octillion", "nonillion", "decillion",
    }.Select((n, i) => (n, i == 0 ? new BigInteger(100) : BigInteger.Pow(1000, i))).ToDictionary(p => p.n, p => p.Item2);
    private static readonly Dictionary<string, (BigInteger Value, string Suffix)> MultipliersSuffixed = Multipliers
        .SelectMany(m => new[] { (m.Key + "s", (m.Value, "s")), (m.Key + "th", (m.Value, "th")) })
        .ToDictionary(p => p.Item1, p => p.Item2);
    private static readonly Dictionary<string, string> PrecedingPrefixers = new() { ["minus"] = "-", ["negative"] = "-", ["plus"] = "+", ["positive"] = "+" };
    private static readonly Dictionary<string, string> FollowingPrefixers = new()
    {
        ["pound"] = "£", ["pounds"] = "£", ["euro"] = "€", ["euros"] = "€", ["dollar"] = "$", ["dollars"] = "$", ["cent"] = "¢", ["cents"] = "¢",
    };
    private static readonly HashSet<char> Prefixes = [.. PrecedingPrefixers.Values.Concat(FollowingPrefixers.Values).Select(s => s[0])];
    private static readonly HashSet<string> Specials = ["and", "double", "triple", "point"];
    private static readonly HashSet<string> Decimals = [.. Ones.Keys, .. Tens.Keys, .. Zeros];
    private static readonly HashSet<string> Words =
    [
        .. Zeros, .. Ones.Keys, .. OnesSuffixed.Keys, .. Tens.Keys, .. TensSuffixed.Keys, .. Multipliers.Keys,
        .. MultipliersSuffixed.Keys, .. PrecedingPrefixers.Keys, .. FollowingPrefixers.Keys, "per", "percent", .. Specials,
    ];

    private static Dictionary<string, (int, string)> BuildOnesSuffixed()
    {
        var d = new Dictionary<string, (int, string)>();
        foreach (var (name, value) in Ones) d[name == "six" ? "sixes" : name + "s"] = (value, "s");
        d["zeroth"] = (0, "th");
        d["first"] = (1, "st");
        d["second"] = (2, "nd");
        d["third"] = (3, "rd");
        d["fifth"] = (5, "th");
        d["twelfth"] = (12, "th");
        foreach (var (name, value) in Ones)
        {
            if (value > 3 && value != 5 && value != 12) d[name + (name.EndsWith('t') ? "h" : "th")] = (value, "th");
        }
        return d;
    }

    /// <inheritdoc />
    public string Normalize(string text)
    {
        var s = Preprocess(text);
        s = string.Join(' ', new NumberWordReader(s.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)).Read());
        return Postprocess(s);
    }

    private static string Preprocess(string s)
    {
        // "<number> and a half" → "<number> point five"
        var segments = AndAHalf().Split(s);
        var results = new List<string>();
        for (var i = 0; i < segments.Length; i++)
        {
            if (segments[i].Trim().Length == 0) continue;
            results.Add(segments[i]);
            if (i == segments.Length - 1) continue;
            var lastWord = segments[i].Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).LastOrDefault() ?? "";
            results.Add(Decimals.Contains(lastWord) || Multipliers.ContainsKey(lastWord) ? "point five" : "and a half");
        }
        s = string.Join(' ', results);
        s = HalfAMultiplier().Replace(s, "0.5 $1");
        s = LetterDigit().Replace(s, "$1 $2");
        s = DigitLetter().Replace(s, "$1 $2");
        return SuffixAfterDigit().Replace(s, "$1$2");
    }

    private static string Postprocess(string s)
    {
        s = Cents().Replace(s, m => $"{m.Groups[1].Value}{m.Groups[2].Value}.{int.Parse(m.Groups[3].Value, System.Globalization.CultureInfo.InvariantCulture):00}");
        s = ZeroPointCents().Replace(s, m => $"¢{int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)}");
        return LoneOne().Replace(s, "one$1");
    }

    /// <summary>Walks the words once, assembling numbers (openai's <c>process_words</c> state machine).</summary>
    private sealed class NumberWordReader(string[] words)
    {
        private string? _prefix;
        private NumberValue? _value;

        private string Output(string result)
        {
            if (_prefix is not null) result = _prefix + result;
            _value = null;
            _prefix = null;
            return result;
        }

        private string Output(NumberValue v) => Output(v.ToString());

        public IEnumerable<string> Read()
        {
            var skip = false;
            for (var i = 0; i < words.Length; i++)
            {
                if (skip) { skip = false; continue; }
                var prev = i > 0 ? words[i - 1] : null;
                var current = words[i];
                var next = i + 1 < words.Length ? words[i + 1] : null;
                var nextIsNumeric = next is not null && Numeric().IsMatch(next);
                var hasPrefix = Prefixes.Contains(current[0]);
                var bare = hasPrefix ? current[1..] : current;

                if (Numeric().IsMatch(bare))
                {
                    var f = NumberValue.ToFraction(bare)!.Value;
                    if (_value is { } v)
                    {
                        if (v.IsString && v.Digits!.EndsWith('.'))
                        {
                            _value = NumberValue.Of(v.Digits + current); // decimals, IP address parts
                            continue;
                        }
                        yield return Output(v);
                    }
                    _prefix = hasPrefix ? current[..1] : _prefix;
                    _value = f.Den.IsOne ? NumberValue.Of(f.Num) : NumberValue.Of(bare);
                }
                else if (!Words.Contains(current))
                {
                    if (_value is { } v) yield return Output(v);
                    yield return Output(current);
                }
                else if (Zeros.Contains(current))
                {
                    _value = NumberValue.Of((_value is { IsTruthy: true } v ? v.ToString() : "") + "0");
                }
                else if (Ones.TryGetValue(current, out var ones))
                {
                    _value = AppendOnes(_value, ones, prev);
                }
                else if (OnesSuffixed.TryGetValue(current, out var os))
                {
                    var combined = _value is null ? NumberValue.Of(os.Value) : AppendOnes(_value, os.Value, prev);
                    yield return Output(combined + os.Suffix);
                    _value = null;
                }
                else if (Tens.TryGetValue(current, out var tens))
                {
                    _value = AppendTens(_value, tens);
                }
                else if (TensSuffixed.TryGetValue(current, out var ts))
                {
                    yield return Output(AppendTens(_value, ts.Value) + ts.Suffix);
                }
                else if (Multipliers.TryGetValue(current, out var multiplier))
                {
                    foreach (var o in ApplyMultiplier(multiplier)) yield return o;
                }
                else if (MultipliersSuffixed.TryGetValue(current, out var ms))
                {
                    if (_value is null) yield return Output(ms.Value + ms.Suffix);
                    else if (_value.Value.IsString)
                    {
                        var fr = _value.Value.ToFraction();
                        if (fr is { } q && (q.Num * ms.Value) % q.Den == 0) yield return Output((q.Num * ms.Value / q.Den) + ms.Suffix);
                        else
                        {
                            yield return Output(_value.Value);
                            yield return Output(ms.Value + ms.Suffix);
                        }
                    }
                    else
                    {
                        yield return Output(ScaleLastGroup(_value.Value.Integer!.Value, ms.Value) + ms.Suffix);
                    }
                    _value = null;
                }
                else if (PrecedingPrefixers.TryGetValue(current, out var sign))
                {
                    if (_value is { } v) yield return Output(v);
                    if ((next is not null && Words.Contains(next)) || nextIsNumeric) _prefix = sign;
                    else yield return Output(current);
                }
                else if (FollowingPrefixers.TryGetValue(current, out var currency))
                {
                    if (_value is { } v)
                    {
                        _prefix = currency;
                        yield return Output(v);
                    }
                    else yield return Output(current);
                }
                else if (current is "per" or "percent")
                {
                    if (_value is { } v)
                    {
                        if (current == "percent") yield return Output(v + "%");
                        else if (next == "cent")
                        {
                            yield return Output(v + "%");
                            skip = true;
                        }
                        else
                        {
                            yield return Output(v);
                            yield return Output(current);
                        }
                    }
                    else yield return Output(current);
                }
                else
                {
                    foreach (var o in Special(current, prev, next, nextIsNumeric, ref skip)) yield return o;
                }
            }
            if (_value is { } last) yield return Output(last);
        }

        private List<string> Special(string current, string? prev, string? next, bool nextIsNumeric, ref bool skip)
        {
            var output = new List<string>();
            if ((next is null || !Words.Contains(next)) && !nextIsNumeric)
            {
                // only treat it as part of a number if the next word can be numeric
                if (_value is { } v) output.Add(Output(v));
                output.Add(Output(current));
            }
            else if (current == "and")
            {
                // "and" after hundred/thousand/… is part of the number
                if (prev is null || !Multipliers.ContainsKey(prev))
                {
                    if (_value is { } v) output.Add(Output(v));
                    output.Add(Output(current));
                }
            }
            else if (current is "double" or "triple")
            {
                if (next is not null && (Ones.ContainsKey(next) || Zeros.Contains(next)))
                {
                    var digit = Ones.GetValueOrDefault(next, 0);
                    var repeated = string.Concat(Enumerable.Repeat(digit.ToString(System.Globalization.CultureInfo.InvariantCulture), current == "double" ? 2 : 3));
                    _value = NumberValue.Of((_value is { IsTruthy: true } v ? v.ToString() : "") + repeated);
                    skip = true;
                }
                else
                {
                    if (_value is { } v) output.Add(Output(v));
                    output.Add(Output(current));
                }
            }
            else if (current == "point" && next is not null && (Decimals.Contains(next) || nextIsNumeric))
            {
                _value = NumberValue.Of((_value is { IsTruthy: true } v ? v.ToString() : "") + ".");
            }
            return output;
        }

        private IEnumerable<string> ApplyMultiplier(BigInteger multiplier)
        {
            if (_value is null) _value = NumberValue.Of(multiplier);
            else if (_value.Value.IsString || _value.Value.Integer!.Value.IsZero)
            {
                var fr = _value.Value.ToFraction();
                if (fr is { } q && (q.Num * multiplier) % q.Den == 0) _value = NumberValue.Of(q.Num * multiplier / q.Den);
                else
                {
                    yield return Output(_value.Value);
                    _value = NumberValue.Of(multiplier);
                }
            }
            else _value = NumberValue.Of(ScaleLastGroup(_value.Value.Integer!.Value, multiplier));
        }

        private static BigInteger ScaleLastGroup(BigInteger value, BigInteger multiplier) =>
            value / 1000 * 1000 + value % 1000 * multiplier;

        private static NumberValue AppendOnes(NumberValue? value, int ones, string? prev)
        {
            if (value is not { } v) return NumberValue.Of(ones);
            if (v.IsString || (prev is not null && Ones.ContainsKey(prev)))
            {
                var text = v.ToString();
                return prev is not null && Tens.ContainsKey(prev) && ones < 10 && text.EndsWith('0')
                    ? NumberValue.Of(text[..^1] + ones)
                    : NumberValue.Of(text + ones);
            }
            var i = v.Integer!.Value;
            var modulus = ones < 10 ? 10 : 100;
            return i % modulus == 0 ? NumberValue.Of(i + ones) : NumberValue.Of(i.ToString(System.Globalization.CultureInfo.InvariantCulture) + ones);
        }

        private static NumberValue AppendTens(NumberValue? value, int tens)
        {
            if (value is not { } v) return NumberValue.Of(tens);
            if (v.IsString) return NumberValue.Of(v.Digits + tens);
            var i = v.Integer!.Value;
            return i % 100 == 0 ? NumberValue.Of(i + tens) : NumberValue.Of(i.ToString(System.Globalization.CultureInfo.InvariantCulture) + tens);
        }
    }

    [GeneratedRegex(@"^\d+(\.\d+)?$")]
    private static partial Regex Numeric();

    [GeneratedRegex(@"\band\s+a\s+half\b")]
    private static partial Regex AndAHalf();

    [GeneratedRegex(@"\b(?:a\s+half\s+|half\s+(?:a\s+)?)(quintillion|quadrillion|septillion|sextillion|decillion|nonillion|octillion|thousand|trillion|hundred|million|billion)\b")]
    private static partial Regex HalfAMultiplier();

    [GeneratedRegex("([a-z])([0-9])")]
    private static partial Regex LetterDigit();

    [GeneratedRegex("([0-9])([a-z])")]
    private static partial Regex DigitLetter();

    [GeneratedRegex(@"([0-9])\s+(st|nd|rd|th|s)\b")]
    private static partial Regex SuffixAfterDigit();

    [GeneratedRegex(@"([€£$])([0-9]+) (?:and )?¢([0-9]{1,2})\b")]
    private static partial Regex Cents();

    [GeneratedRegex(@"[€£$]0.([0-9]{1,2})\b")]
    private static partial Regex ZeroPointCents();

    [GeneratedRegex(@"\b1(s?)\b")]
    private static partial Regex LoneOne();
}
