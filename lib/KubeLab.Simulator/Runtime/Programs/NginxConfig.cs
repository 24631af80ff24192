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
        // All files are read (and a missing one reported) before any directive is looked at, as this model always did.
        var parts = new List<Part>();
        Tokenize(files, MainFile, parts, depth: 0);
        var directives = new Directives(config);
        foreach (var part in parts)
            for (var k = part.Start; k < part.End; k++) directives.Take(part.Tokens[k], part.File);
        directives.End();
        return config;
    }

    /// <summary>A run of one file's tokens between its includes (the token arrays are shared, see <see cref="NginxTokens"/>).</summary>
    private readonly record struct Part(NginxToken[] Tokens, int Start, int End, string File);

    private static void Tokenize(ContainerFileSystem files, string path, List<Part> output, int depth)
    {
        byte[] content;
        try { content = files.ReadAllBytes(path); }
        catch (FileSystemException) { throw new NginxConfigException($"open() \"{path}\" failed (2: No such file or directory)"); }
        var local = NginxTokens.Of(content);
        // Expand "include <glob>;" in place (conf.d/*.conf, mime.types).
        var start = 0;
        for (var k = 0; k < local.Length; k++)
        {
            if (local[k].Is("include") && k + 2 < local.Length && local[k + 2].Is(";") && depth < 10)
            {
                if (k > start) output.Add(new Part(local, start, k, path));
                foreach (var included in Glob(files, local[k + 1].Text)) Tokenize(files, included, output, depth + 1);
                k += 2;
                start = k + 1;
            }
        }
        if (local.Length > start) output.Add(new Part(local, start, local.Length, path));
    }

    private static List<string> Glob(ContainerFileSystem files, string pattern)
    {
        if (!pattern.StartsWith('/')) pattern = "/etc/nginx/" + pattern;
        if (!pattern.Contains('*')) return [pattern];
        var dir = pattern[..pattern.LastIndexOf('/')];
        var mask = pattern[(pattern.LastIndexOf('/') + 1)..];
        var star = mask.IndexOf('*');
        var (prefix, suffix) = (mask[..star], mask[(star + 1)..]);
        if (!files.IsDirectory(dir)) return [];
        var matches = new List<string>();
        foreach (var (name, _) in files.List(dir))
        {
            if (!name.StartsWith(prefix, StringComparison.Ordinal) || !name.EndsWith(suffix, StringComparison.Ordinal)) continue;
            var path = dir + "/" + name;
            if (files.Find(path) is RegularFile) matches.Add(path); // configMap volumes: key -> ..data/key links resolve to files
        }
        matches.Sort(StringComparer.Ordinal);
        return matches;
    }

    /// <summary>Reads directives token by token, keeping the server blocks' settings in the config.</summary>
    private sealed class Directives(NginxConfig config)
    {
        private readonly Stack<string> blocks = new();
        private readonly List<string> args = [];
        private List<int>? ports;
        private bool ipv6;
        private string? serverRoot, locationRoot, serverName;
        private List<string>? index;

        public void Take(NginxToken token, string file)
        {
            var line = token.Line;
            if (token.Quoted) { args.Add(token.Text); return; }
            switch (token.Text)
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
                        config.Servers.Add(new NginxServer(ports.Count == 0 ? [80] : ports.Distinct().ToList(), ipv6,
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
                        case "error_log" when args.Count >= 2 && where == "main": config.ErrorLog = args[1]; break;
                        case "access_log" when args.Count >= 2 && where == "http": config.AccessLog = args[1]; break;
                    }
                    args.Clear();
                    break;
                default:
                    args.Add(token.Text);
                    break;
            }
        }

        public void End()
        {
            if (blocks.Count > 0) throw new NginxConfigException($"unexpected end of file, expecting \"}}\" in {MainFile}");
        }
    }
}

/// <summary>A configuration nginx refuses: the text after "[emerg]".</summary>
public sealed class NginxConfigException(string message) : Exception(message);
