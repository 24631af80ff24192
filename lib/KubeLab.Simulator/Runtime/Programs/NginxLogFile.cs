using KubeLab.Simulator.Runtime.Filesystem;

namespace KubeLab.Simulator.Runtime.Programs;

/// <summary>
/// Where one of nginx's logs goes. The image links /var/log/nginx/access.log to /dev/stdout and error.log to /dev/stderr
/// (nginxinc/docker-nginx Dockerfile: "forward request and error logs to docker log collector"), so normally the lines reach
/// the container log. When a volume is mounted over /var/log/nginx (the classic log-shipping sidecar) the links are hidden:
/// nginx creates regular files there and the lines go only into those files, which the sidecar reads.
/// </summary>
public sealed class NginxLogFile
{
    private readonly ContainerFileSystem files;
    private readonly IOutputStream? stream;

    private NginxLogFile(ContainerFileSystem files, string path, IOutputStream? stream)
    {
        this.files = files;
        Path = path;
        this.stream = stream;
    }

    public string Path { get; }

    /// <summary>Opens as nginx does at start (O_CREAT|O_APPEND); throws <see cref="NginxConfigException"/> when it cannot.</summary>
    public static NginxLogFile Open(ProcessContext process, string path)
    {
        if (path is "stderr" or "/dev/stderr") return new(process.Files, path, process.Stderr);
        if (path is "/dev/stdout") return new(process.Files, path, process.Stdout);
        if (process.Files.Find(path, followLast: false) is SymlinkNode link)
        {
            if (link.Target == "/dev/stdout") return new(process.Files, path, process.Stdout);
            if (link.Target == "/dev/stderr") return new(process.Files, path, process.Stderr);
        }
        try
        {
            process.Files.WriteFile(path, [], append: true);
        }
        catch (FileSystemException e)
        {
            var errno = e.Error switch
            {
                FileSystemException.NoSuchFile => "2: No such file or directory",
                FileSystemException.ReadOnly => "30: Read-only file system",
                FileSystemException.IsADirectory => "21: Is a directory",
                _ => "20: Not a directory",
            };
            throw new NginxConfigException($"open() \"{path}\" failed ({errno})");
        }
        return new(process.Files, path, null);
    }

    public ValueTask WriteLineAsync(string line, CancellationToken ct) => WriteAsync(line + "\n", ct);

    /// <summary>Writes <paramref name="text"/>: whole lines, each with its "\n".</summary>
    public async ValueTask WriteAsync(string text, CancellationToken ct)
    {
        if (stream is not null) { await stream.WriteAsync(text, ct).ConfigureAwait(false); return; }
        try { files.WriteFile(Path, text, append: true); }
        catch (FileSystemException) { /* nginx ignores failed log writes (it would log to stderr once) */ }
    }
}
