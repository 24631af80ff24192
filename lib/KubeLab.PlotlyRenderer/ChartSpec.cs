using System.Text.Json;

namespace KubeLab.PlotlyRenderer;

/// <summary>KubeLab's small chart description (the JSON KubeLab's Plot.SpecJson carries).</summary>
internal sealed record ChartSpec(string Title, string? XTitle, string? YTitle, string? Note, string? BarMode, bool YFromZero, IReadOnlyList<TraceSpec> Traces)
{
    public static ChartSpec Parse(string json)
    {
        using var doc = JsonDocument.Parse(json);
        var root = doc.RootElement;
        var traces = new List<TraceSpec>();
        if (root.TryGetProperty("traces", out var ts))
            foreach (var t in ts.EnumerateArray()) traces.Add(TraceSpec.From(t));
        return new ChartSpec(Str(root, "title") ?? "", Str(root, "xTitle"), Str(root, "yTitle"), Str(root, "note"), Str(root, "barMode"),
            root.TryGetProperty("yFromZero", out var z) && z.ValueKind == JsonValueKind.True, traces);
    }

    internal static string? Str(JsonElement e, string name)
        => e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
}

/// <summary>One series: type is step | line | bar | hbar | histogram | heatmap.</summary>
internal sealed record TraceSpec(string Type, string? Name, object[]? X, object[]? Y, double[]? Base, string? Color, string[]? Text,
    object[][]? Z = null, object[][]? CellText = null)
{
    public static TraceSpec From(JsonElement t) => new(
        ChartSpec.Str(t, "type") ?? "line", ChartSpec.Str(t, "name"),
        Values(t, "x"), Values(t, "y"),
        Values(t, "base")?.Select(Convert.ToDouble).ToArray(),
        ChartSpec.Str(t, "color"),
        Values(t, "text")?.Select(v => v?.ToString() ?? "").ToArray(),
        Rows(t, "z"), Rows(t, "cellText"));

    /// <summary>A heatmap's 2-D arrays (one inner array per row).</summary>
    private static object[][]? Rows(JsonElement t, string name)
    {
        if (!t.TryGetProperty(name, out var arr) || arr.ValueKind != JsonValueKind.Array) return null;
        return arr.EnumerateArray().Select(row => row.EnumerateArray()
            .Select(v => v.ValueKind == JsonValueKind.Number ? (object)v.GetDouble() : v.GetString() ?? "").ToArray()).ToArray();
    }

    private static object[]? Values(JsonElement t, string name)
    {
        if (!t.TryGetProperty(name, out var arr) || arr.ValueKind != JsonValueKind.Array) return null;
        return arr.EnumerateArray().Select(v => v.ValueKind switch
        {
            JsonValueKind.Number => (object)v.GetDouble(),
            JsonValueKind.String => v.GetString()!,
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => null!,
        }).ToArray();
    }
}
