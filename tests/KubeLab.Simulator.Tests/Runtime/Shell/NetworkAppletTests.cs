using KubeLab.Simulator.Network;

namespace KubeLab.Simulator.Tests.Runtime.Shell;

/// <summary>wget over the modelled pod network.</summary>
public class NetworkAppletTests
{
    private readonly ShellHarness sh = new();
    private readonly PodSandbox server = new("default", "api", "uid-2", "api", "node-1") { Ip = "10.244.1.6" };

    public NetworkAppletTests()
    {
        sh.Network.Attach(server);
        server.Listen(80, "api", (request, _) => Task.FromResult(request.Path switch
        {
            "/" => HttpResponseMessageModel.Text(200, $"hello from api to {request.RemoteIp}\n"),
            "/boom" => HttpResponseMessageModel.Text(500, "boom"),
            _ => HttpResponseMessageModel.Text(404, "not found"),
        }));
        sh.Network.Resolver = (_, name) => name == "api" ? "10.244.1.6" : null;
    }

    [Fact]
    public async Task Wget_prints_the_body_to_stdout()
    {
        var r = await sh.RunAsync(["wget", "-qO-", "http://api/"]);
        Assert.Equal((0, "hello from api to 10.244.1.5\n", ""), (r.Status, r.Out, r.Err));
    }

    [Fact]
    public async Task Wget_saves_to_a_file_with_progress_on_stderr()
    {
        var r = await sh.ShAsync("cd /tmp && wget http://10.244.1.6/ && cat index.html");
        Assert.Equal("hello from api to 10.244.1.5\n", r.Out);
        Assert.Equal("Connecting to 10.244.1.6 (10.244.1.6:80)\nsaving to 'index.html'\n" +
                     "index.html           100% |********************************|    29  0:00:00 ETA\n'index.html' saved\n", r.Err);
        var again = await sh.ShAsync("cd /tmp && wget -q http://api/");
        Assert.Equal((1, "wget: can't open 'index.html': File exists\n"), (again.Status, again.Err));
        var named = await sh.RunAsync(["wget", "-q", "-O", "/tmp/out", "http://api/"]);
        Assert.Equal(0, named.Status);
        Assert.Equal("hello from api to 10.244.1.5\n", sh.Files.ReadAllText("/tmp/out"));
    }

    [Theory]
    [InlineData("http://nowhere/", "wget: bad address 'nowhere'\n")]
    [InlineData("http://10.244.1.6:8080/", "wget: can't connect to remote host (10.244.1.6): Connection refused\n")]
    [InlineData("http://api/boom", "wget: server returned error: HTTP/1.1 500 Internal Server Error\n")]
    [InlineData("http://api/missing", "wget: server returned error: HTTP/1.1 404 Not Found\n")]
    [InlineData("https://api/", "wget: can't connect to remote host (10.244.1.6): Connection refused\n")] // nothing on 443
    public async Task Wget_failures_use_busybox_texts(string url, string error)
    {
        var r = await sh.RunAsync(["wget", "-q", "-O-", url]);
        Assert.Equal((1, error), (r.Status, r.Err));
    }

    [Fact]
    public async Task Wget_to_localhost_stays_in_the_pod()
    {
        sh.Sandbox.Listen(8080, "app", (_, _) => Task.FromResult(HttpResponseMessageModel.Text(200, "self")));
        var r = await sh.ShAsync("wget -qO- localhost:8080; echo; wget -q --spider http://127.0.0.1:8080/ && echo exists");
        Assert.Equal("self\nexists\n", r.Out);
    }

    [Fact]
    public async Task Wget_times_out_on_the_cluster_clock()
    {
        server.Listen(81, "api", async (_, ct) => { await Task.Delay(Timeout.Infinite, ct); return HttpResponseMessageModel.Text(200, ""); });
        var r = await sh.RunAsync(["wget", "-q", "-T", "2", "-O-", "http://api:81/"]);
        Assert.Equal((1, "wget: download timed out\n"), (r.Status, r.Err));
    }
}
