using System.Globalization;
using System.Text;
using System.Text.Json;

namespace KubeLab;

/// <summary>
/// What a client saw when it dialed a Service N times (<see cref="Lab.DialAsync"/>): every answer in order (with request
/// <c>hostname</c>, the name of the pod that served it) and every error (timeouts, refused connections).
/// </summary>
public sealed record DialResult(string ClientPod, string Host, int Port, IReadOnlyList<string> Responses, IReadOnlyList<string> Errors)
    : IHtmlDisplayable
{
    public int Tries => Responses.Count + Errors.Count;

    /// <summary>Answers per backend, most first (ties by name).</summary>
    public IReadOnlyList<(string Backend, int Count)> Counts =>
        Responses.GroupBy(r => r, StringComparer.Ordinal).Select(g => (g.Key, g.Count()))
            .OrderByDescending(x => x.Item2).ThenBy(x => x.Key, StringComparer.Ordinal).ToList();

    /// <summary>Answers per backend for the given backends, zero for those that never answered (a bar chart needs the zeros too).</summary>
    public IReadOnlyList<(string Backend, int Count)> CountsFor(IEnumerable<string> backends)
    {
        var counts = Responses.GroupBy(r => r, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        return backends.Select(b => (b, counts.GetValueOrDefault(b))).ToList();
    }

    /// <summary>
    /// How often the same backend answered two tries in a row. Round robin over k ≥ 2 backends never repeats; picking uniformly at
    /// random repeats with probability 1/k per pair, so about (N−1)/k times.
    /// </summary>
    public int ConsecutiveRepeats => Responses.Zip(Responses.Skip(1)).Count(p => p.First == p.Second);

    /// <summary>Pearson's chi-square test of the answers against "every backend equally likely".</summary>
    public UniformityTest UniformityOver(IEnumerable<string> backends) => UniformityTest.Of(CountsFor(backends).Select(c => c.Count).ToList());

    /// <summary>agnhost's JSON: <c>{"responses":[…],"errors":[…]}</c>, each key left out when empty.</summary>
    internal static (List<string> Responses, List<string> Errors) ParseAgnhost(string body)
    {
        using var doc = JsonDocument.Parse(body);
        static List<string> Read(JsonElement root, string key) =>
            root.TryGetProperty(key, out var a) && a.ValueKind == JsonValueKind.Array ? a.EnumerateArray().Select(e => e.GetString() ?? "").ToList() : [];
        return (Read(doc.RootElement, "responses"), Read(doc.RootElement, "errors"));
    }

    public override string ToString()
    {
        var sb = new StringBuilder($"{ClientPod} → {Host}:{Port}: {Tries} tries, {Responses.Count} answered, {Errors.Count} failed");
        foreach (var (backend, count) in Counts) sb.Append(CultureInfo.InvariantCulture, $"\n  {backend,-40} {count,5}");
        foreach (var e in Errors.Distinct().Take(3)) sb.Append("\n  error: ").Append(e);
        return sb.ToString();
    }

    public string ToHtml()
    {
        var sb = new StringBuilder("<div class=\"kubelab-dial\"><div><b>")
            .Append(Html.Escape($"{ClientPod} → {Host}:{Port}")).Append("</b>: ")
            .Append(CultureInfo.InvariantCulture, $"{Tries} tries, {Responses.Count} answered, {Errors.Count} failed</div>")
            .Append("<table><tr><th style=\"text-align:left\">backend</th><th>answers</th><th>share</th></tr>");
        foreach (var (backend, count) in Counts)
            sb.Append("<tr><td>").Append(Html.Escape(backend)).Append("</td><td style=\"text-align:right\">").Append(count)
              .Append(CultureInfo.InvariantCulture, $"</td><td style=\"text-align:right\">{100.0 * count / Math.Max(1, Tries):0.0} %</td></tr>");
        sb.Append("</table>");
        foreach (var e in Errors.Distinct().Take(3)) sb.Append("<div style=\"color:#b00\">").Append(Html.Escape(e)).Append("</div>");
        return sb.Append("</div>").ToString();
    }
}
