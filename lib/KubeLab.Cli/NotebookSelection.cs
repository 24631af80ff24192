namespace KubeLab.Cli;

/// <summary>Turns the user's notebook arguments (paths or names like <c>02-replicasets</c>) into notebook files.</summary>
internal static class NotebookSelection
{
    public static IReadOnlyList<string> All(string notebooksDirectory) =>
        Directory.Exists(notebooksDirectory)
            ? Directory.GetFiles(notebooksDirectory, "*.ipynb").Order(StringComparer.Ordinal).ToList()
            : [];

    public static IReadOnlyList<string> Resolve(string notebooksDirectory, IReadOnlyList<string> requested)
    {
        var all = All(notebooksDirectory);
        if (requested.Count == 0)
        {
            if (all.Count == 0)
                throw new UserError($"No notebooks found in {notebooksDirectory}.");
            return all;
        }
        return requested.Select(r => ResolveOne(r, all)).ToList();
    }

    private static string ResolveOne(string requested, IReadOnlyList<string> all)
    {
        if (File.Exists(requested))
            return Path.GetFullPath(requested);
        var name = Path.GetFileNameWithoutExtension(requested);
        var match = all.FirstOrDefault(p => string.Equals(Path.GetFileNameWithoutExtension(p), name, StringComparison.OrdinalIgnoreCase))
                    ?? SinglePrefixMatch(name, all);
        if (match is not null)
            return match;
        var known = all.Count == 0 ? "(none)" : string.Join(", ", all.Select(Path.GetFileNameWithoutExtension));
        throw new UserError($"Unknown notebook '{requested}'. Notebooks that exist: {known}.");
    }

    // "02" or "02-replica" picks 02-replicasets when exactly one notebook starts with it.
    private static string? SinglePrefixMatch(string name, IReadOnlyList<string> all)
    {
        var matches = all.Where(p => Path.GetFileNameWithoutExtension(p).StartsWith(name, StringComparison.OrdinalIgnoreCase)).ToList();
        return matches.Count == 1 ? matches[0] : null;
    }
}
