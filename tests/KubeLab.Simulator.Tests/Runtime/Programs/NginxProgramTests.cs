using System.Text.RegularExpressions;
using KubeLab.Simulator.Clock;
using KubeLab.Simulator.Metrics;
using KubeLab.Simulator.Network;
using KubeLab.Simulator.Runtime.Filesystem;
using KubeLab.Simulator.Runtime.Images;

namespace KubeLab.Simulator.Tests.Runtime.Programs;

/// <summary>The nginx image's entrypoint and server: start lines, static files, error pages, logs, port conflicts, shutdown.</summary>
public sealed class NginxProgramTests
{
    private static readonly ImageDefinition Nginx = new ImageCatalog(new ResourceConsumption()).Find("nginx:1.27.5");
    private static readonly string[] DefaultArgv = ["/docker-entrypoint.sh", "nginx", "-g", "daemon off;"];

    [Fact]
    public async Task Serves_the_welcome_page_and_logs_the_request_in_the_combined_format()
    {
        await using var nginx = RunningProcess.Start(Nginx, DefaultArgv, new ClusterNetwork(), TimeProvider.System);
        await nginx.WaitListeningAsync(80);

        var response = await nginx.GetAsync(80, "/", userAgent: "Wget");

        Assert.Equal(200, response.StatusCode);
        Assert.Equal(615, response.Body.Length);
        Assert.Contains("<title>Welcome to nginx!</title>", response.BodyText);
        Assert.Equal("text/html", response.ContentType);
        Assert.Equal("nginx/1.27.5", response.Headers["Server"]);
        Assert.Matches(new Regex(@"^10\.244\.1\.3 - - \[\d\d/[A-Z][a-z]{2}/\d{4}:\d\d:\d\d:\d\d \+0000\] ""GET / HTTP/1\.1"" 200 615 ""-"" ""Wget"" ""-""$", RegexOptions.Multiline),
            nginx.Stdout.ToString());
    }

    [Fact]
    public async Task Prints_the_entrypoint_lines_on_stdout_and_the_notices_on_stderr_and_enables_ipv6()
    {
        await using var nginx = RunningProcess.Start(Nginx, DefaultArgv, new ClusterNetwork(), TimeProvider.System);
        await nginx.WaitListeningAsync(80);

        var stdout = nginx.Stdout.ToString();
        Assert.StartsWith("/docker-entrypoint.sh: /docker-entrypoint.d/ is not empty, will attempt to perform configuration\n", stdout);
        Assert.Contains("10-listen-on-ipv6-by-default.sh: info: Enabled listen on IPv6 in /etc/nginx/conf.d/default.conf\n", stdout);
        Assert.Contains("/docker-entrypoint.sh: Sourcing /docker-entrypoint.d/15-local-resolvers.envsh\n", stdout);
        Assert.EndsWith("/docker-entrypoint.sh: Configuration complete; ready for start up\n", stdout);
        Assert.Contains("listen  [::]:80;", nginx.Context.Files.ReadAllText("/etc/nginx/conf.d/default.conf"));
        await WaitFor(() => nginx.Stderr.ToString().Contains("start worker process 29"));
        Assert.Matches(@"^\d{4}/\d\d/\d\d \d\d:\d\d:\d\d \[notice\] 1#1: using the ""epoll"" event method\n", nginx.Stderr.ToString());
        Assert.Contains("[notice] 1#1: nginx/1.27.5\n", nginx.Stderr.ToString());
    }

    [Fact]
    public async Task Serves_a_file_from_a_volume_mounted_over_the_html_directory()
    {
        var volume = new DirectoryNode();
        await using var nginx = RunningProcess.Start(Nginx, DefaultArgv, new ClusterNetwork(), TimeProvider.System,
            mount: files => files.Mount("/usr/share/nginx/html", volume, readOnly: false));
        await nginx.WaitListeningAsync(80);

        volume.Set("index.html", new RegularFile("hello from the sidecar\n"));
        var response = await nginx.GetAsync(80, "/");

        Assert.Equal(200, response.StatusCode);
        Assert.Equal("hello from the sidecar\n", response.BodyText);
    }

    [Fact]
    public async Task Missing_file_is_nginx_404_page_with_an_error_log_line_and_directories_get_301_or_403()
    {
        await using var nginx = RunningProcess.Start(Nginx, DefaultArgv, new ClusterNetwork(), TimeProvider.System);
        await nginx.WaitListeningAsync(80);

        var missing = await nginx.GetAsync(80, "/nope.html");
        Assert.Equal(404, missing.StatusCode);
        Assert.Equal("<html>\r\n<head><title>404 Not Found</title></head>\r\n<body>\r\n<center><h1>404 Not Found</h1></center>\r\n" +
                     "<hr><center>nginx/1.27.5</center>\r\n</body>\r\n</html>\r\n", missing.BodyText);
        Assert.Contains("[error] 29#29: *1 open() \"/usr/share/nginx/html/nope.html\" failed (2: No such file or directory), client: 10.244.1.3, " +
                        "server: localhost, request: \"GET /nope.html HTTP/1.1\", host: \"10.244.1.4:80\"", nginx.Stderr.ToString());
        Assert.Contains("\"GET /nope.html HTTP/1.1\" 404 153 ", nginx.Stdout.ToString());

        nginx.Context.Files.CreateDirectory("/usr/share/nginx/html/empty");
        var noSlash = await nginx.GetAsync(80, "/empty");
        Assert.Equal(301, noSlash.StatusCode);
        Assert.Equal("http://10.244.1.4:80/empty/", noSlash.Headers["Location"]);
        var forbidden = await nginx.GetAsync(80, "/empty/");
        Assert.Equal(403, forbidden.StatusCode);
        Assert.Contains("directory index of \"/usr/share/nginx/html/empty/\" is forbidden", nginx.Stderr.ToString());
    }

    [Fact]
    public async Task With_an_emptyDir_over_var_log_nginx_the_access_log_is_a_file_and_not_stdout()
    {
        var logs = new DirectoryNode();
        await using var nginx = RunningProcess.Start(Nginx, DefaultArgv, new ClusterNetwork(), TimeProvider.System,
            mount: files => files.Mount("/var/log/nginx", logs, readOnly: false));
        await nginx.WaitListeningAsync(80);

        await nginx.GetAsync(80, "/", userAgent: "curl/8.5.0");

        var accessLog = Assert.IsType<RegularFile>(logs.Get("access.log")).ReadText();
        Assert.Contains("\"GET / HTTP/1.1\" 200 615 \"-\" \"curl/8.5.0\" \"-\"\n", accessLog);
        Assert.DoesNotContain("GET / HTTP/1.1", nginx.Stdout.ToString());
        Assert.Contains("[notice] 1#1: start worker processes", Assert.IsType<RegularFile>(logs.Get("error.log")).ReadText());
    }

    [Fact]
    public async Task A_taken_port_fails_like_nginx_after_five_tries()
    {
        var clock = new SimulatedClock(speed: 100);
        var network = new ClusterNetwork();
        await using var nginx = RunningProcess.Start(Nginx, DefaultArgv, network, clock);
        await nginx.WaitListeningAsync(80);
        // A second nginx container in the same Pod (same network namespace) cannot bind :80.
        var second = new KubeLab.Simulator.Runtime.ProcessContext
        {
            Files = new ContainerFileSystem(Nginx.CreateRoot(), clock), Environment = new(Nginx.Environment) { ["PATH"] = Nginx.Path },
            Stdin = KubeLab.Simulator.Runtime.EmptyInput.Instance, Stdout = new KubeLab.Simulator.Runtime.BufferOutput(),
            Stderr = new KubeLab.Simulator.Runtime.BufferOutput(), Time = clock, Sandbox = nginx.Sandbox, Network = network, Image = Nginx,
            ContainerName = "second",
        };
        var program = Nginx.Lookup(DefaultArgv[0], Nginx.Path)!.Value.Program;

        var status = await program.RunAsync(second, DefaultArgv, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(1, status);
        var stderr = second.Stderr.ToString()!;
        Assert.Equal(5, Regex.Matches(stderr, @"nginx: \[emerg\] bind\(\) to 0\.0\.0\.0:80 failed \(98: Address already in use\)").Count);
        Assert.Contains("nginx: [emerg] bind() to [::]:80 failed (98: Address already in use)", stderr);
        Assert.EndsWith("nginx: [emerg] still could not bind()\n", stderr);
    }

    [Fact]
    public async Task Stop_signal_is_a_graceful_quit_with_status_0()
    {
        await using var nginx = RunningProcess.Start(Nginx, DefaultArgv, new ClusterNetwork(), TimeProvider.System);
        await nginx.WaitListeningAsync(80);

        nginx.SendTerm();

        Assert.Equal(0, await RunningProcess.Within(nginx.Exit));
        Assert.Contains("[notice] 1#1: signal 3 (SIGQUIT) received, shutting down\n", nginx.Stderr.ToString());
        Assert.EndsWith("[notice] 1#1: exit\n", nginx.Stderr.ToString());
        Assert.Null(nginx.Sandbox.ListenerOn(80));
    }

    [Fact]
    public async Task Serves_the_listen_port_and_root_of_a_replaced_default_conf()
    {
        await using var nginx = RunningProcess.Start(Nginx, DefaultArgv, new ClusterNetwork(), TimeProvider.System, mount: files =>
        {
            files.WriteFile("/etc/nginx/conf.d/default.conf", "server {\n  listen 8080;\n  location / { root /srv/site; }\n}\n");
            files.CreateDirectory("/srv/site", parents: true);
            files.WriteFile("/srv/site/index.html", "custom\n");
        });
        await nginx.WaitListeningAsync(8080);

        Assert.Equal("custom\n", (await nginx.GetAsync(8080, "/")).BodyText);
        Assert.Null(nginx.Sandbox.ListenerOn(80));
        Assert.Contains("default.conf differs from the packaged version", nginx.Stdout.ToString());
    }

    private static async Task WaitFor(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException();
            await Task.Delay(10);
        }
    }
}
