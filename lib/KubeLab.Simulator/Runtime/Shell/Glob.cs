using System.Text;
using System.Text.RegularExpressions;
using KubeLab.Simulator.Runtime.Filesystem;

namespace KubeLab.Simulator.Runtime.Shell;

/// <summary>
/// Shell pattern matching (XCU 2.13): <c>*</c>, <c>?</c>, <c>[…]</c>/<c>[!…]</c>, backslash for a literal character.
/// Used for <c>case</c>, <c>${x%pattern}</c> and pathname expansion (where a leading '.' must be matched explicitly).
/// </summary>
internal static class Glob
{
    public static bool Matches(string pattern, string text) => ToRegex(pattern).IsMatch(text);

    public static Regex ToRegex(string pattern, bool anchored = true)
    {
        var sb = new StringBuilder(anchored ? "^" : "");
        for (var i = 0; i < pattern.Length; i++)
        {
            var c = pattern[i];
            switch (c)
            {
                case '\\' when i + 1 < pattern.Length:
                    sb.Append(Regex.Escape(pattern[++i].ToString()));
                    break;
                case '*': sb.Append(".*"); break;
                case '?': sb.Append('.'); break;
                case '[':
                    var end = i + 2 < pattern.Length ? pattern.IndexOf(']', i + 2) : -1;
                    if (end < 0) { sb.Append(@"\["); break; }
                    var set = pattern[(i + 1)..end];
                    var negate = set.StartsWith('!') || set.StartsWith('^');
                    if (negate) set = set[1..];
                    sb.Append('[').Append(negate ? "^" : "").Append(set.Replace("\\", @"\\").Replace("[", @"\[")).Append(']');
                    i = end;
                    break;
                default: sb.Append(Regex.Escape(c.ToString())); break;
            }
        }
        if (anchored) sb.Append('$');
        return new Regex(sb.ToString(), RegexOptions.Singleline | RegexOptions.CultureInvariant);
    }

    public static bool HasMeta(string pattern)
    {
        for (var i = 0; i < pattern.Length; i++)
        {
            if (pattern[i] == '\\') { i++; continue; }
            if (pattern[i] is '*' or '?' or '[') return true;
        }
        return false;
    }

    public static string Unescape(string pattern)
    {
        var sb = new StringBuilder();
        for (var i = 0; i < pattern.Length; i++)
        {
            if (pattern[i] == '\\' && i + 1 < pattern.Length) i++;
            sb.Append(pattern[i]);
        }
        return sb.ToString();
    }

    /// <summary><c>${v%p}</c> <c>${v%%p}</c> <c>${v#p}</c> <c>${v##p}</c>: removes the shortest/longest matching suffix/prefix.</summary>
    public static string RemoveAffix(string value, string pattern, bool suffix, bool longest)
    {
        var regex = ToRegex(pattern);
        var lengths = Enumerable.Range(0, value.Length + 1);
        if (longest) lengths = lengths.Reverse();
        foreach (var n in lengths)
        {
            var candidate = suffix ? value[(value.Length - n)..] : value[..n];
            if (regex.IsMatch(candidate)) return suffix ? value[..(value.Length - n)] : value[n..];
        }
        return value;
    }

    /// <summary>Paths matching a pattern, sorted; relative patterns stay relative to the working directory.</summary>
    public static List<string> ExpandPaths(ContainerFileSystem files, string workingDirectory, string pattern)
    {
        var absolute = pattern.StartsWith('/');
        var components = pattern.Split('/', StringSplitOptions.RemoveEmptyEntries);
        var results = new List<string> { absolute ? "/" : "" };
        foreach (var component in components)
        {
            var next = new List<string>();
            foreach (var prefix in results)
            {
                var dir = absolute ? prefix : ContainerFileSystem.Combine(workingDirectory, prefix.Length == 0 ? "." : prefix);
                string Join(string name) => prefix.Length == 0 ? name : prefix.EndsWith('/') ? prefix + name : prefix + "/" + name;
                if (!HasMeta(component))
                {
                    next.Add(Join(Unescape(component)));
                    continue;
                }
                IReadOnlyList<(string Name, FileNode Node)> entries;
                try { entries = files.IsDirectory(dir) ? files.List(dir) : []; }
                catch (FileSystemException) { continue; }
                var regex = ToRegex(component);
                foreach (var (name, _) in entries)
                    if ((!name.StartsWith('.') || component.StartsWith('.')) && regex.IsMatch(name)) next.Add(Join(name));
            }
            results = next;
        }
        return results.Where(p => Exists(files, absolute ? p : ContainerFileSystem.Combine(workingDirectory, p)))
            .Order(StringComparer.Ordinal).ToList();
    }

    private static bool Exists(ContainerFileSystem files, string path)
    {
        try { return files.Find(path, followLast: false) is not null; }
        catch (FileSystemException) { return false; }
    }
}
