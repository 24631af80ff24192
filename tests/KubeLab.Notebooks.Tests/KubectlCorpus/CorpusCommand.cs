namespace KubeLab.Notebooks.Tests.KubectlCorpus;

/// <summary>One <c>kubectl …</c> command the course shows a learner: where it is written, the chapter whose objects it uses,
/// and its text as written (whitespace collapsed, <c>\</c> continuations joined).</summary>
public sealed record CorpusCommand(string File, string Where, string Chapter, string Text)
{
    public string Location => $"{File} {Where}";
    public override string ToString() => $"{Location}: {Text}";
}
