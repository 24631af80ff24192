using System.Text.Json;
using System.Text.RegularExpressions;

namespace KubeLab.Notebooks.Tests.KubectlCorpus;

/// <summary>Finds every <c>kubectl …</c> command the course shows a learner: code spans and fenced lines in notebook markdown and
/// in README.md / lib/**/README.md, and commands in code-cell comments (<c>//</c>) and manifest comments (<c>#</c>).</summary>
public static partial class CorpusExtractor
{
    [GeneratedRegex("`([^`\n]+)`")] private static partial Regex CodeSpan();
    // A command written without backticks in a comment: up to a closing parenthesis, a semicolon, a backtick or the sentence's end.
    [GeneratedRegex(@"(?<![\w`./-])kubectl [^);`]+?(?=[);`]|\.(?:\s|$)|$)")] private static partial Regex BareCommand();
    [GeneratedRegex(@"\s+")] private static partial Regex Whitespace();
    private const string LineBreak = "\n";

    public static IReadOnlyList<CorpusCommand> ExtractAll(string root)
    {
        var all = new List<CorpusCommand>();
        foreach (var notebook in Directory.GetFiles(Path.Combine(root, "notebooks"), "*.ipynb").Order(StringComparer.Ordinal))
            all.AddRange(FromNotebook(root, notebook));
        foreach (var manifest in Directory.GetFiles(Path.Combine(root, "manifests"), "*.yaml", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
            all.AddRange(FromManifest(root, manifest));
        var readmes = new[] { Path.Combine(root, "README.md") }
            .Concat(Directory.GetFiles(Path.Combine(root, "lib"), "README.md", SearchOption.AllDirectories).Order(StringComparer.Ordinal));
        foreach (var readme in readmes)
        {
            var file = Relative(root, readme);
            all.AddRange(FromMarkdown(File.ReadAllText(readme)).Select(c => new CorpusCommand(file, c.Where, CorpusTable.ChapterOfReadme(file), c.Text)));
        }
        return all;
    }

    /// <summary>"notebooks/01-pods.ipynb" → "01-pods"; the chapter's namespace is <c>lab-01-pods</c>.</summary>
    public static string ChapterOf(string path) => Path.GetFileNameWithoutExtension(path);

    private static IEnumerable<CorpusCommand> FromNotebook(string root, string path)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        var file = Relative(root, path);
        var chapter = ChapterOf(path);
        var index = 0;
        foreach (var cell in doc.RootElement.GetProperty("cells").EnumerateArray())
        {
            var source = cell.GetProperty("source") is { ValueKind: JsonValueKind.Array } lines
                ? string.Concat(lines.EnumerateArray().Select(l => l.GetString()))
                : cell.GetProperty("source").GetString() ?? "";
            var kind = cell.GetProperty("cell_type").GetString();
            var found = kind == "markdown" ? FromMarkdown(source) : FromComments(source, "//").Select(t => ("comment", t));
            foreach (var (where, text) in found)
                yield return new CorpusCommand(file, $"cell {index} ({kind} {where})", chapter, text);
            index++;
        }
    }

    private static IEnumerable<CorpusCommand> FromManifest(string root, string path)
    {
        var chapter = Path.GetFileName(Path.GetDirectoryName(path))!;
        return FromComments(File.ReadAllText(path), "#").Select(t => new CorpusCommand(Relative(root, path), "(comment)", chapter, t));
    }

    /// <summary>Code spans outside fences; inside fences, lines starting with kubectl (with <c>\</c> continuations) and comments.</summary>
    public static IEnumerable<(string Where, string Text)> FromMarkdown(string markdown)
    {
        var prose = new List<string>();
        var fence = new List<string>();
        var inFence = false;
        foreach (var line in markdown.Replace("\r\n", "\n").Split('\n'))
        {
            if (line.TrimStart().StartsWith("```", StringComparison.Ordinal))
            {
                if (inFence)
                {
                    foreach (var c in FromFence(fence)) yield return ("fenced block", c);
                    fence.Clear();
                }
                inFence = !inFence;
                continue;
            }
            (inFence ? fence : prose).Add(line);
        }
        foreach (var c in FromFence(fence)) yield return ("fenced block", c);
        // A code span may wrap onto the next line of its paragraph.
        foreach (Match m in CodeSpan().Matches(string.Join(" ", prose)))
            if (IsCommand(m.Groups[1].Value))
                yield return ("code span", Normalize(m.Groups[1].Value));
    }

    private static IEnumerable<string> FromFence(List<string> lines)
    {
        var joined = string.Join("\n", lines).Replace("\\\n", " ");
        foreach (var line in joined.Split('\n'))
        {
            if (IsCommand(line.Trim()))
                yield return Normalize(line);
        }
        foreach (var c in FromComments(joined, "//").Concat(FromComments(joined, "#")))
            yield return c;
    }

    /// <summary>Commands in comments; consecutive comment lines form one text, so a span may wrap.</summary>
    public static IEnumerable<string> FromComments(string code, string marker)
    {
        var block = new List<string>();
        foreach (var line in code.Replace("\r\n", "\n").Split('\n').Append(""))
        {
            var at = CommentStart(line, marker);
            if (at >= 0) { block.Add(line[(at + marker.Length)..].Trim()); continue; }
            if (block.Count == 0) continue;
            var text = string.Join(LineBreak, block);
            block.Clear();
            foreach (Match m in CodeSpan().Matches(text.Replace(LineBreak, " ")))
                if (IsCommand(m.Groups[1].Value)) yield return Normalize(m.Groups[1].Value);
            // A command without backticks ends with its line; spans (also wrapped ones) are not read twice.
            foreach (var commentLine in CodeSpan().Replace(text.Replace(LineBreak, "\u0001"), "`").Split('\u0001'))
                foreach (Match m in BareCommand().Matches(commentLine))
                    yield return Normalize(m.Value);
        }
    }

    // "//" inside "http://" is not a comment; "#" must start the line or follow a space (YAML, shell).
    private static int CommentStart(string line, string marker)
    {
        for (var i = line.IndexOf(marker, StringComparison.Ordinal); i >= 0; i = line.IndexOf(marker, i + 1, StringComparison.Ordinal))
        {
            var before = i == 0 ? ' ' : line[i - 1];
            if (marker == "//" ? before != ':' : char.IsWhiteSpace(before)) return i;
        }
        return -1;
    }

    private static bool IsCommand(string text) => text.Trim().StartsWith("kubectl ", StringComparison.Ordinal);

    public static string Normalize(string text) => Whitespace().Replace(text.Trim(), " ").TrimEnd('.', ',', ':').Trim();

    private static string Relative(string root, string path) => Path.GetRelativePath(root, path).Replace('\\', '/');
}
