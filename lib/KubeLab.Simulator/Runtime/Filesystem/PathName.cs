namespace KubeLab.Simulator.Runtime.Filesystem;

/// <summary>A path component: a range of a path's (or link target's) text, made a string only when one is needed.</summary>
internal readonly record struct PathName(string Text, int Start, int Length)
{
    public ReadOnlySpan<char> Span => Text.AsSpan(Start, Length);

    public override string ToString() => Start == 0 && Length == Text.Length ? Text : Text.Substring(Start, Length);
}
