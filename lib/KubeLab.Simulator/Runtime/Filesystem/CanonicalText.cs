namespace KubeLab.Simulator.Runtime.Filesystem;

/// <summary>
/// Lexical clean-up of a path ("//", "." and ".." collapsed, symlinks not followed). Most paths handed in are clean already
/// (the image's, the kubelet's mount paths, nginx's): those come back as the same string, without a copy.
/// </summary>
internal static class CanonicalText
{
    public static string Normalize(string path)
    {
        if (IsCanonical(path)) return path;
        // A clean path is never longer than "/" plus the input.
        var chars = path.Length < 256 ? stackalloc char[path.Length + 1] : new char[path.Length + 1];
        var length = 0;
        foreach (var range in path.AsSpan().Split('/'))
        {
            var part = path.AsSpan(range);
            if (part.IsEmpty || part is ".") continue;
            if (part is "..")
            {
                // Back to the previous component's "/", or stay at the root ("/.." is "/").
                length = Math.Max(chars[..length].LastIndexOf('/'), 0);
                continue;
            }
            chars[length++] = '/';
            part.CopyTo(chars[length..]);
            length += part.Length;
        }
        return length == 0 ? "/" : new string(chars[..length]);
    }

    /// <summary>"/" or "/a/b": absolute, no empty, "." or ".." component, no trailing "/".</summary>
    private static bool IsCanonical(string path)
    {
        if (path.Length == 0 || path[0] != '/') return false;
        if (path.Length == 1) return true;
        var start = 1;
        while (true)
        {
            var end = path.IndexOf('/', start);
            var part = end < 0 ? path.AsSpan(start) : path.AsSpan(start, end - start);
            if (part.IsEmpty || part is "." or "..") return false;
            if (end < 0) return true;
            start = end + 1;
        }
    }
}
