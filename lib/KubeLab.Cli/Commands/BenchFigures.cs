using System.Text.Json;
using System.Text.Json.Nodes;
using Spectre.Console;

namespace KubeLab.Cli.Commands;

/// <summary>
/// What <c>kubelab bench</c> measured: one row per figure, printed as a table and, when asked, written as JSON with a
/// stable key, a number and a unit per figure so a later run can be compared with this one.
/// </summary>
internal sealed class BenchFigures
{
    public sealed record Figure(string Key, string What, string Display, double? Value, string? Unit);

    private readonly List<Figure> rows = [];

    public IReadOnlyList<Figure> Rows => rows;

    public void Add(string key, string what, double value, string unit, string format = "0.00")
    {
        var display = unit switch
        {
            "s" => $"{value.ToString(format)} s",
            "ms" => $"{value.ToString(format)} ms",
            "MiB" => $"{value:0} MiB",
            _ => $"{value.ToString(format)} {unit}".Trim(),
        };
        Add(new Figure(key, what, display, value, unit));
    }

    public void AddText(string key, string what, string display) => Add(new Figure(key, what, display, null, null));

    private void Add(Figure figure)
    {
        rows.Add(figure);
        if (ConsoleOutput.Plain)
            Console.WriteLine($"  … {figure.What.Trim()}: {figure.Display}");
    }

    public void Print()
    {
        if (rows.Count == 0) return;
        if (ConsoleOutput.Plain)
        {
            var width = rows.Max(f => f.What.Length);
            Console.WriteLine();
            foreach (var f in rows)
                Console.WriteLine($"{f.What.PadRight(width)}  {f.Display}");
            return;
        }
        var table = new Table().AddColumn("measure").AddColumn(new TableColumn("value").RightAligned());
        foreach (var f in rows)
            table.AddRow(Markup.Escape(f.What), Markup.Escape(f.Display));
        AnsiConsole.Write(table);
    }

    /// <summary>{"machine": {...}, "figures": {"key": {"value": 1.2, "unit": "s", "what": "..."}}}.</summary>
    public string ToJson(IReadOnlyDictionary<string, string> machine)
    {
        var figures = new JsonObject();
        foreach (var f in rows)
            figures[f.Key] = new JsonObject
            {
                ["what"] = f.What.Trim(),
                ["value"] = f.Value is { } v ? JsonValue.Create(Math.Round(v, 3)) : JsonValue.Create(f.Display),
                ["unit"] = f.Unit,
            };
        var machineJson = new JsonObject();
        foreach (var (k, v) in machine) machineJson[k] = v;
        var root = new JsonObject { ["machine"] = machineJson, ["figures"] = figures };
        return root.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
    }
}
