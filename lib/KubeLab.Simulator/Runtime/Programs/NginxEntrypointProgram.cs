using KubeLab.Simulator.Runtime.Filesystem;
using KubeLab.Simulator.Runtime.Images;

namespace KubeLab.Simulator.Runtime.Programs;

/// <summary>
/// The nginx image's ENTRYPOINT /docker-entrypoint.sh (nginxinc/docker-nginx entrypoint/docker-entrypoint.sh): when the
/// command is nginx it runs the /docker-entrypoint.d/ scripts in order, printing what it does on stdout (silenced by
/// NGINX_ENTRYPOINT_QUIET_LOGS), then execs "$@". The scripts' effects are modelled here: 10-listen-on-ipv6-by-default.sh
/// adds "listen [::]:80;" to an unmodified, writable default.conf; 15-local-resolvers.envsh, 20-envsubst-on-templates.sh
/// (no /etc/nginx/templates) and 30-tune-worker-processes.sh (not enabled) change nothing by default.
/// </summary>
public sealed class NginxEntrypointProgram : IContainerProgram
{
    public const string Path = "/docker-entrypoint.sh";
    public const string ScriptsDirectory = "/docker-entrypoint.d";
    private const string DefaultConf = "/etc/nginx/conf.d/default.conf";

    /// <summary>The scripts the image ships in /docker-entrypoint.d/ (mainline/debian/Dockerfile COPY lines).</summary>
    public static readonly IReadOnlyList<string> Scripts =
        ["10-listen-on-ipv6-by-default.sh", "15-local-resolvers.envsh", "20-envsubst-on-templates.sh", "30-tune-worker-processes.sh"];

    private static readonly byte[] PackagedConf = System.Text.Encoding.UTF8.GetBytes(NginxImageFiles.DefaultConf);
    // Shared by every container that enables IPv6: a file's bytes are replaced on write, never changed in place.
    private static readonly byte[] Ipv6Conf = System.Text.Encoding.UTF8.GetBytes(WithIpv6(NginxImageFiles.DefaultConf));

    private static string WithIpv6(string conf) =>
        conf.Replace("listen       80;", "listen       80;\n    listen  [::]:80;", StringComparison.Ordinal);

    public async Task<int> RunAsync(ProcessContext process, IReadOnlyList<string> argv, CancellationToken kill)
    {
        var self = argv[0];
        var quiet = process.Environment.GetValueOrDefault("NGINX_ENTRYPOINT_QUIET_LOGS") is { Length: > 0 };
        // Each line is written with its "\n" (one string per line, not one more to append it).
        async Task Log(string line)
        {
            if (!quiet) await process.Stdout.WriteAsync(line, kill).ConfigureAwait(false);
        }

        if (argv.Count > 1 && argv[1] is "nginx" or "nginx-debug")
        {
            var scripts = ScriptFiles(process.Files);
            if (scripts.Count > 0)
            {
                await Log($"{self}: {ScriptsDirectory}/ is not empty, will attempt to perform configuration\n");
                await Log($"{self}: Looking for shell scripts in {ScriptsDirectory}/\n");
                foreach (var (name, node) in scripts)
                {
                    var executable = (node.Mode & 0x49) != 0; // any x bit
                    if (name.EndsWith(".envsh", StringComparison.Ordinal))
                        await Log(executable ? $"{self}: Sourcing {ScriptsDirectory}/{name}\n" : $"{self}: Ignoring {ScriptsDirectory}/{name}, not executable\n");
                    else if (name.EndsWith(".sh", StringComparison.Ordinal))
                    {
                        await Log(executable ? $"{self}: Launching {ScriptsDirectory}/{name}\n" : $"{self}: Ignoring {ScriptsDirectory}/{name}, not executable\n");
                        if (executable && name == Scripts[0]) await EnableIpv6(process, Log);
                    }
                    else await Log($"{self}: Ignoring {ScriptsDirectory}/{name}\n");
                }
                await Log($"{self}: Configuration complete; ready for start up\n");
            }
            else await Log($"{self}: No files found in {ScriptsDirectory}/, skipping configuration\n");
        }

        if (argv.Count < 2) return 0; // exec with no arguments does nothing
        var found = ProgramLookup.Find(process, argv[1]);
        if (found is null)
        {
            // dash's message for a failed exec, with the script's line number of 'exec "$@"'.
            await process.Stderr.WriteAsync($"{self}: 47: exec: {argv[1]}: not found\n", kill).ConfigureAwait(false);
            return 127;
        }
        return await found.Value.Program.RunAsync(process, argv.Skip(1).ToList(), kill).ConfigureAwait(false);
    }

    private static List<(string Name, FileNode Node)> ScriptFiles(ContainerFileSystem files)
    {
        try
        {
            var scripts = new List<(string Name, FileNode Node)>();
            foreach (var (name, node) in files.List(ScriptsDirectory))
            {
                // A link (a configMap's key -> ..data/key) counts as what it leads to; anything else is what the listing holds.
                var target = node is SymlinkNode ? files.Find($"{ScriptsDirectory}/{name}") : node;
                if (target is RegularFile) scripts.Add((name, target));
            }
            scripts.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
            return scripts;
        }
        catch (FileSystemException) { return []; }
    }

    /// <summary>10-listen-on-ipv6-by-default.sh's checks and messages (lines with their "\n"), in its order.</summary>
    private static async Task EnableIpv6(ProcessContext process, Func<string, Task> log)
    {
        const string me = "10-listen-on-ipv6-by-default.sh";
        if (process.Files.Find(DefaultConf) is not RegularFile conf)
        {
            await log($"{me}: info: {DefaultConf} is not a file or does not exist\n");
            return;
        }
        if (process.Files.IsReadOnly(DefaultConf))
        {
            await log($"{me}: info: can not modify {DefaultConf} (read-only file system?)\n");
            return;
        }
        var content = conf.Read();
        // The packaged file (as every container has it): the script's checks pass and its sed gives the same bytes each time.
        var packaged = content.AsSpan().SequenceEqual(PackagedConf);
        var text = packaged ? NginxImageFiles.DefaultConf : System.Text.Encoding.UTF8.GetString(content);
        if (text.Contains("listen  [::]:80;", StringComparison.Ordinal))
        {
            await log($"{me}: info: IPv6 listen already enabled\n");
            return;
        }
        await log($"{me}: info: Getting the checksum of {DefaultConf}\n");
        if (text != NginxImageFiles.DefaultConf)
        {
            await log($"{me}: info: {DefaultConf} differs from the packaged version\n");
            return;
        }
        process.Files.WriteFile(DefaultConf, packaged ? Ipv6Conf : System.Text.Encoding.UTF8.GetBytes(WithIpv6(text)));
        await log($"{me}: info: Enabled listen on IPv6 in {DefaultConf}\n");
    }
}
