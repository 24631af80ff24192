using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace KubeLab.Manifests;

/// <summary>
/// Reads multi-document YAML into JSON objects, keeping line numbers for error messages.
/// Unlike KubernetesYaml.LoadAllFromString it accepts empty documents (e.g. a trailing "---") and any kind.
/// </summary>
internal static partial class ManifestParser
{
    public static IReadOnlyList<ManifestDocument> Parse(string yaml, string source)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(yaml));
        }
        catch (YamlException e)
        {
            var line = (int)e.Start.Line;
            var column = (int)e.Start.Column;
            if (e.Message.Contains("tab", StringComparison.OrdinalIgnoreCase) && FirstTabIndentedLine(yaml) is { } tabLine)
                (line, column) = (tabLine, 1); // YamlDotNet reports tab errors at the start of the block, not at the tab

            throw new ManifestException(source, "YAML syntax error: " + StripPosition(e.InnerException?.Message is { } im && e.Message.Contains("See inner") ? im : e.Message),
                line: line, column: column, hint: SyntaxHint(yaml, line, e.Message), inner: e);
        }

        var docs = new List<ManifestDocument>();
        var index = 0;
        foreach (var doc in stream.Documents)
        {
            index++;
            var root = doc.RootNode;
            if (root is YamlScalarNode { Style: ScalarStyle.Plain } s && string.IsNullOrEmpty(s.Value)) continue; // empty document, e.g. trailing ---
            if (root is not YamlMappingNode map)
                throw new ManifestException(source, $"expected a Kubernetes object (a YAML mapping with apiVersion, kind, metadata), found a {Describe(root)}.",
                    document: index, line: (int)root.Start.Line, hint: "each document between --- lines must be one object; check the indentation of the first lines.");
            if (map.Children.Count == 0) continue;
            docs.Add(new ManifestDocument(index, (int)root.Start.Line, (JsonObject)ToJson(map)!));
        }
        return docs;
    }

    private static string Describe(YamlNode node) => node switch
    {
        YamlSequenceNode => "list",
        YamlScalarNode sc => $"plain value \"{sc.Value}\"",
        _ => node.NodeType.ToString(),
    };

    /// <summary>YAML → JSON with YAML 1.2 core-schema typing for plain scalars (what sigs.k8s.io/yaml does for ordinary manifests).</summary>
    internal static JsonNode? ToJson(YamlNode node)
    {
        switch (node)
        {
            case YamlMappingNode map:
                var obj = new JsonObject();
                foreach (var (k, v) in map.Children)
                {
                    var key = (k as YamlScalarNode)?.Value ?? k.ToString();
                    obj[key] = ToJson(v);
                }
                return obj;
            case YamlSequenceNode seq:
                var arr = new JsonArray();
                foreach (var item in seq.Children) arr.Add(ToJson(item));
                return arr;
            case YamlScalarNode scalar:
                return Scalar(scalar);
            default:
                return null;
        }
    }

    private static JsonNode? Scalar(YamlScalarNode scalar)
    {
        var v = scalar.Value ?? "";
        if (scalar.Style != ScalarStyle.Plain) return JsonValue.Create(v);
        if (v is "" or "~" or "null" or "Null" or "NULL") return null;
        if (v is "true" or "True" or "TRUE") return JsonValue.Create(true);
        if (v is "false" or "False" or "FALSE") return JsonValue.Create(false);
        // YAML 1.1 as kubectl reads it (go-yaml v2 via sigs.k8s.io/yaml): a leading 0 makes an integer octal – defaultMode: 0400 is 256.
        if (OctalPattern().IsMatch(v)) return JsonValue.Create(Convert.ToInt64(v.TrimStart('+'), 8));
        if (IntegerPattern().IsMatch(v) && long.TryParse(v, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l)) return JsonValue.Create(l);
        if (v.StartsWith("0x", StringComparison.Ordinal) && long.TryParse(v[2..], NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var hex)) return JsonValue.Create(hex);
        if (FloatPattern().IsMatch(v) && double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out var d)) return JsonValue.Create(d);
        return JsonValue.Create(v);
    }

    [GeneratedRegex(@"^[-+]?[0-9]+$")] private static partial Regex IntegerPattern();
    [GeneratedRegex(@"^\+?0[0-7]+$")] private static partial Regex OctalPattern();
    [GeneratedRegex(@"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$")] private static partial Regex FloatPattern();
    [GeneratedRegex(@"^\(Line: \d+, Col: \d+, Idx: \d+\) - \(Line: \d+, Col: \d+, Idx: \d+\):\s*")] private static partial Regex PositionPrefix();

    private static int? FirstTabIndentedLine(string yaml)
    {
        var lines = yaml.Split('\n');
        for (var i = 0; i < lines.Length; i++)
            if (lines[i].Length > lines[i].TrimStart().Length && lines[i][..(lines[i].Length - lines[i].TrimStart().Length)].Contains('\t'))
                return i + 1;
        return null;
    }

    private static string StripPosition(string message) => PositionPrefix().Replace(message, "");

    private static string SyntaxHint(string yaml, int line, string message)
    {
        var lines = yaml.Split('\n');
        var near = Enumerable.Range(Math.Max(0, line - 2), 3).Where(i => i < lines.Length).Select(i => lines[i]);
        if (near.Any(l => l.TrimEnd('\r').Length - l.TrimStart('\t').Length > 0 && l.Contains('\t')) || yaml.Split('\n').Any(l => l.StartsWith('\t')))
            return "YAML does not allow tab characters for indentation; indent with spaces.";
        if (message.Contains("mapping values are not allowed", StringComparison.OrdinalIgnoreCase))
            return "a key is indented differently from its siblings, or a value contains ': ' – check the indentation on this line and the one above, or quote the value.";
        if (message.Contains("did not find expected", StringComparison.OrdinalIgnoreCase) || message.Contains("block", StringComparison.OrdinalIgnoreCase))
            return "check the indentation: items of the same list or mapping must start in the same column, list items start with '- '.";
        return "check the indentation and quoting around this line (kubectl apply --dry-run=client -f FILE shows the same problem).";
    }
}
