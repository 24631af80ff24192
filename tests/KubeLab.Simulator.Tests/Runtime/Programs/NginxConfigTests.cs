using System.Text;
using KubeLab.Simulator.Metrics;
using KubeLab.Simulator.Network;
using KubeLab.Simulator.Runtime;
using KubeLab.Simulator.Runtime.Filesystem;
using KubeLab.Simulator.Runtime.Images;
using KubeLab.Simulator.Runtime.Programs;

namespace KubeLab.Simulator.Tests.Runtime.Programs;

/// <summary>
/// nginx's configuration as a container's files hold it (shared token lists must never hide a container's own edit) and the
/// entrypoint's IPv6 script on the cases it tells apart.
/// </summary>
public sealed class NginxConfigTests
{
    private static readonly ImageDefinition Nginx = new ImageCatalog(new ResourceConsumption()).Find("nginx:1.27.5");
    private const string DefaultConf = "/etc/nginx/conf.d/default.conf";

    [Fact]
    public void A_config_edited_in_the_container_is_read_again_and_the_packaged_one_after_it_is_written_back()
    {
        var files = Files();
        Assert.Equal([80], Assert.Single(NginxConfig.Load(files).Servers).Ports);

        files.WriteFile(DefaultConf, NginxImageFiles.DefaultConf.Replace("listen       80;", "listen       8080;", StringComparison.Ordinal));
        Assert.Equal([8080], Assert.Single(NginxConfig.Load(files).Servers).Ports);
        Assert.Equal([80], Assert.Single(NginxConfig.Load(Files()).Servers).Ports); // another container still has its own

        files.WriteFile(DefaultConf, NginxImageFiles.DefaultConf);
        Assert.Equal([80], Assert.Single(NginxConfig.Load(files).Servers).Ports);
    }

    [Fact]
    public void Tokens_are_shared_by_equal_content_and_changing_an_array_later_does_not_change_them()
    {
        var bytes = Encoding.UTF8.GetBytes("server { listen 81; }\n");
        var tokens = NginxTokens.Of(bytes);
        Assert.Same(tokens, NginxTokens.Of(bytes.ToArray()));

        bytes[17] = (byte)'2'; // "listen 82;" now – as if the array were reused
        Assert.Equal("82", NginxTokens.Of(bytes)[3].Text);
        Assert.Equal("81", NginxTokens.Of(Encoding.UTF8.GetBytes("server { listen 81; }\n"))[3].Text);
    }

    [Fact]
    public void Quoted_words_are_arguments_even_when_they_read_as_braces_semicolons_or_include()
    {
        var files = Files();
        files.WriteFile(DefaultConf, "server {\n  listen 80;\n  server_name \"{\";\n  location / { root '/srv/my site'; index \"include\" ';'; }\n}\n");

        var server = Assert.Single(NginxConfig.Load(files).Servers);

        Assert.Equal("{", server.ServerName);
        Assert.Equal("/srv/my site", server.Root);
        Assert.Equal(["include", ";"], server.Index);
    }

    [Fact]
    public void Errors_name_the_included_file_and_line_the_token_came_from()
    {
        var files = Files();
        // Inside nginx.conf's http block: the first stray brace closes it, the second is the error.
        files.WriteFile(DefaultConf, "server {\n  listen 80;\n}\n}\n}\n");
        Assert.Equal("unexpected \"}\" in /etc/nginx/conf.d/default.conf:5", Assert.Throws<NginxConfigException>(() => NginxConfig.Load(files)).Message);

        files.WriteFile(DefaultConf, "server {\n  listen 80;\n}\n");
        files.WriteFile(NginxConfig.MainFile, "events {}\nhttp {\n  include /etc/nginx/conf.d/*.conf;\n}\n}\n");
        Assert.Equal("unexpected \"}\" in /etc/nginx/nginx.conf:5", Assert.Throws<NginxConfigException>(() => NginxConfig.Load(files)).Message);
    }

    [Fact]
    public void A_missing_included_file_is_reported_with_its_path()
    {
        var files = Files();
        files.WriteFile(DefaultConf, "include /etc/nginx/nope.conf;\n");
        Assert.Equal("open() \"/etc/nginx/nope.conf\" failed (2: No such file or directory)",
            Assert.Throws<NginxConfigException>(() => NginxConfig.Load(files)).Message);
    }

    [Fact]
    public void The_ipv6_script_enables_once_then_finds_it_enabled()
    {
        var files = Files();
        var first = Entrypoint(files);
        Assert.Contains("10-listen-on-ipv6-by-default.sh: info: Enabled listen on IPv6 in /etc/nginx/conf.d/default.conf\n", first);
        Assert.Equal(NginxImageFiles.DefaultConf.Replace("listen       80;", "listen       80;\n    listen  [::]:80;", StringComparison.Ordinal),
            files.ReadAllText(DefaultConf));
        Assert.True(Assert.Single(NginxConfig.Load(files).Servers).Ipv6);

        var second = Entrypoint(files);
        Assert.Contains("10-listen-on-ipv6-by-default.sh: info: IPv6 listen already enabled\n", second);
        Assert.DoesNotContain("Getting the checksum", second);
    }

    [Fact]
    public void The_ipv6_script_leaves_a_read_only_conf_d_alone()
    {
        var volume = new DirectoryNode();
        volume.Set("default.conf", new RegularFile(NginxImageFiles.DefaultConf));
        var files = Files();
        files.Mount("/etc/nginx/conf.d", volume, readOnly: true);

        var output = Entrypoint(files);

        Assert.Contains("10-listen-on-ipv6-by-default.sh: info: can not modify /etc/nginx/conf.d/default.conf (read-only file system?)\n", output);
        Assert.Equal(NginxImageFiles.DefaultConf, files.ReadAllText(DefaultConf));
    }

    private static ContainerFileSystem Files() => new(Nginx.CreateRoot(), TimeProvider.System);

    /// <summary>The entrypoint's output for "nginx -t" (its scripts, then nginx reading the configuration).</summary>
    private static string Entrypoint(ContainerFileSystem files)
    {
        var stdout = new BufferOutput();
        var process = new ProcessContext
        {
            Files = files, Environment = new Dictionary<string, string> { ["PATH"] = Nginx.Path }, Stdin = EmptyInput.Instance,
            Stdout = stdout, Stderr = new BufferOutput(), Time = TimeProvider.System, Sandbox = new PodSandbox("default", "p", "u", "p", "n"),
            Network = new ClusterNetwork(), Image = Nginx, ContainerName = "nginx",
        };
        var run = new NginxEntrypointProgram().RunAsync(process, ["/docker-entrypoint.sh", "nginx", "-t"], CancellationToken.None);
        Assert.Equal(0, run.GetAwaiter().GetResult());
        return stdout.ToString();
    }
}
