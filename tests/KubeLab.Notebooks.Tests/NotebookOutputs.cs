using System.Text.Json.Nodes;

namespace KubeLab.Notebooks.Tests;

/// <summary>Reads outputs of an executed .ipynb (nbformat 4: multi-line strings are arrays of lines).</summary>
internal static class NotebookOutputs
{
    /// <summary>The text/html of every output of one cell, concatenated.</summary>
    public static string Html(JsonNode cell) => string.Concat((cell["outputs"]?.AsArray() ?? []).Select(o => Text(o?["data"]?["text/html"])));

    /// <summary>The text/html of every output of every cell, one string per output, in notebook order.</summary>
    public static IReadOnlyList<string> AllHtml(string ipynbPath) =>
        JsonNode.Parse(File.ReadAllText(ipynbPath))!["cells"]!.AsArray()
            .SelectMany(c => c!["outputs"]?.AsArray() ?? [])
            .Select(o => Text(o?["data"]?["text/html"]))
            .Where(h => h.Length > 0)
            .ToList();

    private static string Text(JsonNode? value) => value switch
    {
        null => "",
        JsonArray lines => string.Concat(lines.Select(l => (string?)l)),
        _ => (string?)value ?? "",
    };
}
