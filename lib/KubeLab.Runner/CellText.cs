namespace KubeLab.Runner;

internal static class CellText
{
    /// <summary>First non-blank line, trimmed and shortened so it fits in one report line.</summary>
    public static string FirstLine(string source)
    {
        var line = source.Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.Length > 0) ?? "";
        return line.Length <= 80 ? line : line[..77] + "...";
    }
}
