using System.Text.Json;
using System.Text.Json.Nodes;

namespace KubeLab.Charts;

/// <summary>
/// KubeLab's own small chart description, serialised as JSON (Plot.SpecJson). The renderer turns it into plotly.js traces.
/// Trace types: step (line with horizontal-then-vertical steps), line, bar, hbar (horizontal bars with base = start), histogram,
/// heatmap (x = columns, y = rows, z = one value per cell, text printed in the cell).
/// </summary>
internal sealed class ChartSpec(string title)
{
    private readonly JsonArray _traces = [];
    public string Title { get; } = title;
    public string? XTitle { get; init; }
    public string? YTitle { get; init; }
    public string? Note { get; init; }
    public string? BarMode { get; init; }
    /// <summary>Counts (replicas): start the y axis at 0 with integer ticks.</summary>
    public bool YFromZero { get; init; }

    public ChartSpec Add(string type, string? name, IEnumerable<object> x, IEnumerable<object>? y = null,
        IEnumerable<double>? baseValues = null, string? color = null, IEnumerable<string>? text = null)
    {
        var trace = new JsonObject { ["type"] = type };
        if (name is not null) trace["name"] = name;
        trace["x"] = ToArray(x);
        if (y is not null) trace["y"] = ToArray(y);
        if (baseValues is not null) trace["base"] = new JsonArray(baseValues.Select(v => (JsonNode?)JsonValue.Create(Math.Round(v, 3))).ToArray());
        if (color is not null) trace["color"] = color;
        if (text is not null) trace["text"] = new JsonArray(text.Select(t => (JsonNode?)JsonValue.Create(t)).ToArray());
        _traces.Add(trace);
        return this;
    }

    /// <summary>A heatmap: <paramref name="z"/> has one row per y label and one value per x label; <paramref name="text"/> is printed in each cell.</summary>
    public ChartSpec AddHeatmap(IEnumerable<string> x, IEnumerable<string> y, IEnumerable<IEnumerable<double>> z, IEnumerable<IEnumerable<string>> text)
    {
        _traces.Add(new JsonObject
        {
            ["type"] = "heatmap",
            ["x"] = ToArray(x),
            ["y"] = ToArray(y),
            ["z"] = new JsonArray(z.Select(row => (JsonNode?)ToArray(row.Cast<object>())).ToArray()),
            ["cellText"] = new JsonArray(text.Select(row => (JsonNode?)ToArray(row)).ToArray()),
        });
        return this;
    }

    private static JsonArray ToArray(IEnumerable<object> values) => new(values.Select(v => v switch
    {
        double d => (JsonNode?)JsonValue.Create(Math.Round(d, 3)),
        int i => JsonValue.Create(i),
        string s => JsonValue.Create(s),
        _ => JsonValue.Create(v.ToString()),
    }).ToArray());

    public string ToJson()
    {
        var root = new JsonObject { ["title"] = Title };
        if (XTitle is not null) root["xTitle"] = XTitle;
        if (YTitle is not null) root["yTitle"] = YTitle;
        if (Note is not null) root["note"] = Note;
        if (BarMode is not null) root["barMode"] = BarMode;
        if (YFromZero) root["yFromZero"] = true;
        root["traces"] = _traces.DeepClone();
        return root.ToJsonString(new JsonSerializerOptions { WriteIndented = false });
    }
}
