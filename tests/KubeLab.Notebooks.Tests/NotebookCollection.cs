namespace KubeLab.Notebooks.Tests;

/// <summary>Notebook runs change the process's working directory and environment: tests that run notebooks or child
/// processes share this collection so they never overlap.</summary>
[CollectionDefinition(Name)]
public sealed class NotebookCollection
{
    public const string Name = "notebooks";
}
