namespace KubeLab.Runner;

/// <summary>Locates the course repository: the nearest folder (walking up) that holds both <c>notebooks/</c> and <c>manifests/</c>.</summary>
public static class RepoRoot
{
    public static string? TryFind(string startDirectory)
    {
        for (var dir = new DirectoryInfo(Path.GetFullPath(startDirectory)); dir is not null; dir = dir.Parent)
        {
            if (Directory.Exists(Path.Combine(dir.FullName, "notebooks")) && Directory.Exists(Path.Combine(dir.FullName, "manifests")))
                return dir.FullName;
        }
        return null;
    }

    public static string Find(string startDirectory) =>
        TryFind(startDirectory) ?? throw new DirectoryNotFoundException(
            $"Could not find the course folder (one holding notebooks/ and manifests/) in {Path.GetFullPath(startDirectory)} or above. " +
            "Run this command from inside the course repository.");

    /// <summary>Path of the notebooks folder of the repository holding <paramref name="startDirectory"/>.</summary>
    public static string NotebooksDirectory(string startDirectory) => Path.Combine(Find(startDirectory), "notebooks");
}
