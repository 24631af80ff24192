using System.Globalization;
using KubeLab.Simulator.Api.Errors;
using Microsoft.AspNetCore.Http;

namespace KubeLab.Simulator.Api.PodSubresources;

/// <summary>
/// Query parameters decoded into options the way the API server's parameter codec converts them
/// (staging/src/k8s.io/apimachinery/pkg/runtime/conversion.go): the first value wins, a bool is false only for "0" or "false",
/// an unparsable number is a 400 with Go's strconv text.
/// </summary>
internal static partial class QueryParameters
{
    [System.Text.RegularExpressions.GeneratedRegex(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$")]
    private static partial System.Text.RegularExpressions.Regex Rfc3339();

    public static string? String(HttpRequest request, string name) =>
        request.Query.TryGetValue(name, out var v) && v.Count > 0 ? v[0] : null;

    public static bool Bool(HttpRequest request, string name) =>
        String(request, name) is { } v && v != "0" && !v.Equals("false", StringComparison.OrdinalIgnoreCase);

    public static long? Int64(HttpRequest request, string name)
    {
        if (String(request, name) is not { } v) return null;
        if (long.TryParse(v, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n)) return n;
        throw ApiError.BadRequest($"strconv.ParseInt: parsing {Go.Quote(v)}: invalid syntax");
    }

    /// <summary>metav1.Time as a query parameter: RFC 3339 with second precision (time.RFC3339).</summary>
    public static DateTimeOffset? Time(HttpRequest request, string name)
    {
        if (String(request, name) is not { } v) return null;
        if (Rfc3339().IsMatch(v) && DateTimeOffset.TryParse(v, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal, out var t))
            return t;
        throw ApiError.BadRequest($"parsing time {Go.Quote(v)} as \"2006-01-02T15:04:05Z07:00\": cannot parse {Go.Quote(v)} as \"2006\"");
    }

    public static IReadOnlyList<string> All(HttpRequest request, string name) =>
        request.Query.TryGetValue(name, out var v) ? v.Where(s => s is not null).Select(s => s!).ToList() : [];
}

/// <summary>Go's %q for the plain strings that appear in these messages.</summary>
internal static class Go
{
    public static string Quote(string s) => "\"" + s.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";
}
