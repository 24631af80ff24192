using System.Text;
using KubeLab.Simulator.Runtime.Filesystem;

namespace KubeLab.Simulator.Runtime.Programs;

/// <summary>One <c>server { }</c> block as far as the model serves it: its ports, document root and index files.</summary>
public sealed record NginxServer(IReadOnlyList<int> Ports, bool Ipv6, string Root, IReadOnlyList<string> Index, string ServerName);

/// <summary>
/// Reads /etc/nginx/nginx.conf and the files it includes (conf.d/*.conf) the way nginx's parser tokenizes them (words,
/// quotes, ';', '{', '}', '#' comments), keeping what a static site needs: <c>listen</c>, <c>root</c> (server level or
/// <c>location /</c>), <c>index</c>, <c>server_name</c>, plus the <c>error_log</c> / <c>access_log</c> paths.
/// Everything else (proxy_pass, return, rewrite…) is read and ignored.
/// </summary>
public sealed class NginxConfig
{
    public const string MainFile = "/etc/nginx/nginx.conf";
    /// <summary>nginx's compiled-in defaults (--prefix=/etc/nginx, Debian package's --error-log-path/--http-log-path).</summary>
    public const string DefaultRoot = "/etc/nginx/html";

    public List<NginxServer> Servers { get; } = [];
    public string ErrorLog { get; private set; } = "/var/log/nginx/error.log";
    public string AccessLog { get; private set; } = "/var/log/nginx/access.log";

    /// <summary>Parses; throws <see cref="NginxConfigException"/> with nginx's "[emerg]" wording.</summary>
    public static NginxConfig Load(ContainerFileSystem files)
    {
        var config = new NginxConfig();
        var tokens = new List<(string Text, string File, int Line)>();
        Tokenize(files, MainFile, tokens, depth: 0);
        config.Walk(tokens);
        return config;
    }

    // Tokens of a file's text: nginx.conf, mime.types and the entrypoint's rewritten default.conf read the same in every
    // container, and lexing them again on every start was most of a start's garbage. Keyed by the text (not the file), so
    // containers share one token list; bounded, as a user may write many configs.
    private static readonly Util.BoundedCache<string, List<(string Text, int Line)>> Lexed = new(64, StringComparer.Ordinal);

    private static void Tokenize(ContainerFileSystem files, string path, List<(string, string, int)> output, int depth)
    {
        byte[] content;
        try { content = files.ReadAllBytes(path); }
        catch (FileSystemException) { throw new NginxConfigException($"open() \"{path}\" failed (2: No such file or directory)"); }
        var text = Encoding.UTF8.GetString(content);
        var local = Lexed.GetOrAdd(text, Lex);
        // Expand "include <glob>;" in place (conf.d/*.conf, mime.types).
        for (var k = 0; k < local.Count; k++)
        {
            if (local[k].Text == "include" && k + 2 < local.Count && local[k + 2].Text == ";" && depth < 10)
            {
                foreach (var included in Glob(files, Unquote(local[k + 1].Text))) Tokenize(files, included, output, depth + 1);
                k += 2;
                continue;
            }
            output.Add((local[k].Text, path, local[k].Line));
        }
    }

    private static List<(string Text, int Line)> Lex(string text)
    {
        var local = new List<(string Text, int Line)>();
        var line = 1;
        for (var i = 0; i < text.Length;)
        {
            var c = text[i];
            if (c == '\n') { line++; i++; continue; }
            if (char.IsWhiteSpace(c)) { i++; continue; }
            if (c == '#') { while (i < text.Length && text[i] != '\n') i++; continue; }
            if (c is ';' or '{' or '}') { local.Add((c.ToString(), line)); i++; continue; }
            var word = new StringBuilder();
            if (c is '"' or '\'')
            {
                i++;
                while (i < text.Length && text[i] != c) { if (text[i] == '\n') line++; word.Append(text[i] == '\\' && i + 1 < text.Length ? text[++i] : text[i]); i++; }
                i++;
                local.Add(("\0" + word, line)); // quoted: never a ';' or brace
                continue;
            }
            while (i < text.Length && !char.IsWhiteSpace(text[i]) && text[i] is not (';' or '{' or '}')) word.Append(text[i++]);
            local.Add((word.ToString(), line));
        }
        return local;
    }

    private static IEnumerable<string> Glob(ContainerFileSystem files, string pattern)
    {
        if (!pattern.StartsWith('/')) pattern = "/etc/nginx/" + pattern;
        if (!pattern.Contains('*')) return [pattern];
        var dir = pattern[..pattern.LastIndexOf('/')];
        var mask = pattern[(pattern.LastIndexOf('/') + 1)..];
        var star = mask.IndexOf('*');
        var (prefix, suffix) = (mask[..star], mask[(star + 1)..]);
        if (!files.IsDirectory(dir)) return [];
        return files.List(dir)
            .Where(e => e.Name.StartsWith(prefix, StringComparison.Ordinal) && e.Name.EndsWith(suffix, StringComparison.Ordinal))
            .Where(e => files.Find(dir + "/" + e.Name) is RegularFile) // configMap volumes: key -> ..data/key links resolve to files
            .Select(e => dir + "/" + e.Name).Order(StringComparer.Ordinal).ToList();
    }

    private static string Unquote(string token) => token.StartsWith('\0') ? token[1..] : token;

    private void Walk(List<(string Text, string File, int Line)> tokens)
    {
        var blocks = new Stack<string>();
        var args = new List<string>();
        List<int>? ports = null;
        var ipv6 = false;
        string? serverRoot = null, locationRoot = null, serverName = null;
        List<string>? index = null;
        foreach (var (raw, file, line) in tokens)
        {
            switch (raw)
            {
                case "{":
                    if (args.Count == 0) throw new NginxConfigException($"unexpected \"{{\" in {file}:{line}");
                    var block = args[0] == "location" && args.Count >= 2 && args[^1] == "/" ? "location /" : args[0];
                    if (block == "server" && blocks.Count > 0 && blocks.Peek() == "http")
                    {
                        ports = []; ipv6 = false; serverRoot = locationRoot = serverName = null; index = null;
                    }
                    blocks.Push(block);
                    args.Clear();
                    break;
                case "}":
                    if (blocks.Count == 0) throw new NginxConfigException($"unexpected \"}}\" in {file}:{line}");
                    if (blocks.Pop() == "server" && ports is not null)
                    {
                        Servers.Add(new NginxServer(ports.Count == 0 ? [80] : ports.Distinct().ToList(), ipv6,
                            locationRoot ?? serverRoot ?? DefaultRoot, index ?? ["index.html"], serverName ?? ""));
                        ports = null;
                    }
                    break;
                case ";":
                    if (args.Count == 0) break;
                    var where = blocks.Count > 0 ? blocks.Peek() : "main";
                    switch (args[0])
                    {
                        case "listen" when where == "server" && args.Count >= 2:
                            var address = args[1];
                            if (address.StartsWith('[')) ipv6 = true;
                            var portText = address.Contains(':') ? address[(address.LastIndexOf(':') + 1)..] : address;
                            if (!int.TryParse(portText, out var port))
                                throw new NginxConfigException($"invalid port in \"{address}\" of the \"listen\" directive in {file}:{line}");
                            ports!.Add(port);
                            break;
                        case "root" when args.Count >= 2 && where == "server": serverRoot = args[1]; break;
                        case "root" when args.Count >= 2 && where == "location /": locationRoot = args[1]; break;
                        case "index" when args.Count >= 2 && where is "server" or "location /" or "http": index = args.Skip(1).ToList(); break;
                        case "server_name" when args.Count >= 2 && where == "server": serverName = args[1]; break;
                        case "error_log" when args.Count >= 2 && where == "main": ErrorLog = args[1]; break;
                        case "access_log" when args.Count >= 2 && where == "http": AccessLog = args[1]; break;
                    }
                    args.Clear();
                    break;
                default:
                    args.Add(Unquote(raw));
                    break;
            }
        }
        if (blocks.Count > 0) throw new NginxConfigException($"unexpected end of file, expecting \"}}\" in {MainFile}");
    }
}

/// <summary>A configuration nginx refuses: the text after "[emerg]".</summary>
public sealed class NginxConfigException(string message) : Exception(message);
