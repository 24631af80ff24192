using KubeLab.Runner;

namespace KubeLab.Notebooks.Tests;

internal static class TestPaths
{
    public static string Root { get; } = RepoRoot.Find(AppContext.BaseDirectory);
    public static string NotebooksDirectory { get; } = Path.Combine(Root, "notebooks");
    public static string TestNotebook(string name) =>
        Path.Combine(Root, "tests", "KubeLab.Notebooks.Tests", "TestNotebooks", name + ".ipynb");
}
