using System.Text.RegularExpressions;

namespace KubeLab.Simulator.Api.Validation.Decoding;

/// <summary>
/// resource.ParseQuantity (apimachinery/pkg/api/resource/quantity.go): its three errors, ErrFormatWrong, ErrNumeric and ErrSuffix.
/// </summary>
public static partial class QuantityFormat
{
    public const string FormatWrong = "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";

    [GeneratedRegex("^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$")] private static partial Regex Splitter();
    [GeneratedRegex("^[+-]?([0-9]+(\\.[0-9]*)?|\\.[0-9]+)$")] private static partial Regex Number();
    [GeneratedRegex("^([eE][-+]?[0-9]+)?$")] private static partial Regex Exponent();

    private static readonly HashSet<string> Suffixes = ["", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei", "n", "u", "m", "k", "M", "G", "T", "P", "E"];

    /// <summary>Null when <paramref name="text"/> is a valid quantity, else the error text.</summary>
    public static string? Error(string text)
    {
        var m = Splitter().Match(text);
        if (text.Length == 0 || !m.Success) return FormatWrong;
        // The number part ends where the digits and the one decimal point end; the rest is the suffix.
        var digits = Regex.Match(text, "^[+-]?[0-9]*(\\.[0-9]*)?").Value;
        if (!Number().IsMatch(digits)) return digits.Trim('+', '-').Length == 0 ? FormatWrong : "unable to parse numeric part of quantity";
        var suffix = text[digits.Length..];
        if (!Suffixes.Contains(suffix) && !Exponent().IsMatch(suffix)) return suffix.Any(c => !"eEinumkKMGTP+-0123456789".Contains(c)) ? FormatWrong : "unable to parse quantity's suffix";
        return null;
    }
}
