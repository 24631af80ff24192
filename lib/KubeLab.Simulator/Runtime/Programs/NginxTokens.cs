using System.Text;

namespace KubeLab.Simulator.Runtime.Programs;

/// <summary>One token of an nginx configuration file: a word (unquoted already), ';', '{' or '}'.</summary>
/// <param name="Quoted">Written in quotes: then never a directive's end or a brace, whatever its text.</param>
public readonly record struct NginxToken(string Text, bool Quoted, int Line)
{
    /// <summary>The unquoted punctuation or word <paramref name="text"/>.</summary>
    public bool Is(string text) => !Quoted && Text == text;
}

/// <summary>
/// The tokens of a configuration file as nginx's parser reads them (words, quotes with backslash escapes, ';', '{', '}',
/// '#' comments). nginx.conf, mime.types and the entrypoint's rewritten default.conf have the same bytes in every container:
/// their tokens are kept, keyed by the bytes (compared, not the array: a container may rewrite its file with exec), so a
/// container start neither decodes nor lexes them again.
/// </summary>
public static class NginxTokens
{
    // Bounded: a user may write many configs.
    private static readonly Util.BoundedCache<byte[], NginxToken[]> Lexed = new(64, ContentComparer.Instance);

    public static NginxToken[] Of(byte[] content)
    {
        if (Lexed.TryGetValue(content, out var known)) return known;
        // The key is a copy: the file's own array is the file's to replace, and must not become the cache's key.
        return Lexed.GetOrAdd(content.ToArray(), Lex(Encoding.UTF8.GetString(content)));
    }

    private static NginxToken[] Lex(string text)
    {
        var tokens = new List<NginxToken>();
        var line = 1;
        for (var i = 0; i < text.Length;)
        {
            var c = text[i];
            if (c == '\n') { line++; i++; continue; }
            if (char.IsWhiteSpace(c)) { i++; continue; }
            if (c == '#') { while (i < text.Length && text[i] != '\n') i++; continue; }
            if (c is ';' or '{' or '}') { tokens.Add(new(c.ToString(), false, line)); i++; continue; }
            var word = new StringBuilder();
            if (c is '"' or '\'')
            {
                i++;
                while (i < text.Length && text[i] != c) { if (text[i] == '\n') line++; word.Append(text[i] == '\\' && i + 1 < text.Length ? text[++i] : text[i]); i++; }
                i++;
                tokens.Add(new(word.ToString(), true, line));
                continue;
            }
            while (i < text.Length && !char.IsWhiteSpace(text[i]) && text[i] is not (';' or '{' or '}')) word.Append(text[i++]);
            tokens.Add(new(word.ToString(), false, line));
        }
        return [.. tokens];
    }

    /// <summary>Byte arrays equal by content.</summary>
    private sealed class ContentComparer : IEqualityComparer<byte[]>
    {
        public static readonly ContentComparer Instance = new();

        public bool Equals(byte[]? x, byte[]? y) => x is null ? y is null : y is not null && x.AsSpan().SequenceEqual(y);

        public int GetHashCode(byte[] bytes)
        {
            var hash = new HashCode();
            hash.AddBytes(bytes);
            return hash.ToHashCode();
        }
    }
}
