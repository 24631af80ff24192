using System.Text;
using k8s;
using KubeLab.Simulator.Kubelet.Server;
using KubeLab.Simulator.Runtime;

namespace KubeLab.Simulator.Tests.Api.PodSubresources;

/// <summary><c>pods/{name}/exec</c> over WebSocket with the real kubectl (v5 protocol) and KubernetesClient (v4).</summary>
public sealed class PodExecTests(ClusterFixture f) : IClassFixture<ClusterFixture>
{
    /// <summary>A tiny model of a few programs, enough to see streams and exit codes go through.</summary>
    private static async Task<int> Programs(ExecCall call)
    {
        switch (call.Command[0])
        {
            case "echo":
                await call.Stdout.WriteAsync(string.Join(' ', call.Command.Skip(1)) + "\n", call.Ct);
                return 0;
            case "cat":
                while (await call.Stdin.ReadAsync(call.Ct) is { } chunk) await call.Stdout.WriteAsync(chunk, call.Ct);
                return 0;
            case "sh" when call.Command is [_, "-c", var script] && script.StartsWith("exit ", StringComparison.Ordinal):
                await call.Stderr.WriteAsync("about to fail\n", call.Ct);
                return int.Parse(script[5..], System.Globalization.CultureInfo.InvariantCulture);
            default:
                throw ProcessStartException.NotFound(call.Command[0]);
        }
    }

    private async Task<(string Ns, FakeKubelet Kubelet)> PodAsync(string name = "box", params string[] containers)
    {
        var (ns, kubelet, _) = await FakeNodes.PodAsync(f, name, containers.Length == 0 ? ["box"] : containers, prefix: "ex");
        kubelet.Exec = Programs;
        return (ns, kubelet);
    }

    [Fact]
    public async Task Echo_prints_to_stdout_and_exits_0()
    {
        var (ns, kubelet) = await PodAsync();
        var r = await KubectlExec.RunAsync(f, null, "exec", "box", "-n", ns, "--", "echo", "hi");
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal("hi\n", r.Stdout);
        var call = Assert.Single(kubelet.ExecCalls);
        Assert.Equal(["echo", "hi"], call.Command);
        Assert.Equal("box", call.Container);
        Assert.False(call.Tty);
    }

    [Fact]
    public async Task Non_zero_exit_becomes_kubectls_exit_code()
    {
        var (ns, _) = await PodAsync();
        var r = await KubectlExec.RunAsync(f, null, "exec", "box", "-n", ns, "--", "sh", "-c", "exit 3");
        Assert.Equal(3, r.ExitCode);
        Assert.Equal("about to fail\ncommand terminated with exit code 3", r.Stderr.Trim());
    }

    [Fact]
    public async Task Stdin_is_piped_and_closed_at_its_end()
    {
        var (ns, _) = await PodAsync();
        var r = await KubectlExec.RunAsync(f, "abc\n", "exec", "-i", "box", "-n", ns, "--", "cat");
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal("abc\n", r.Stdout);
    }

    [Fact]
    public async Task Missing_executable_is_the_runtimes_error()
    {
        var (ns, _) = await PodAsync();
        var r = await KubectlExec.RunAsync(f, null, "exec", "box", "-n", ns, "--", "bash");
        Assert.Equal(1, r.ExitCode);
        Assert.Matches("^error: Internal error occurred: Internal error occurred: error executing command in container: failed to exec in container: " +
                       "failed to start exec \"[0-9a-f]{64}\": OCI runtime exec failed: exec failed: unable to start container process: " +
                       "exec: \"bash\": executable file not found in \\$PATH: unknown$",
            // kubectl may log a klog line of its own first (a busy machine: its websocket reader saw the close early): the error is the last line.
            r.Stderr.Trim().Split('\n')[^1]);
    }

    [Fact]
    public async Task Kubelet_refusal_arrives_after_the_upgrade()
    {
        var (ns, kubelet) = await PodAsync();
        kubelet.Exec = call => throw new KubeletException(500, $"container not found (\"{call.Container}\")");
        var r = await KubectlExec.RunAsync(f, null, "exec", "box", "-n", ns, "--", "echo", "hi");
        Assert.Equal(1, r.ExitCode);
        Assert.Equal("error: Internal error occurred: unable to upgrade connection: container not found (\"box\")", r.Stderr.Trim());
    }

    [Fact]
    public async Task Errors_before_the_upgrade_are_plain_statuses()
    {
        var (ns, _) = await PodAsync("two", "web", "sidecar");
        var r = await KubectlExec.RunAsync(f, null, "exec", "two", "-c", "bogus", "-n", ns, "--", "echo", "hi");
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("container bogus is not valid for pod two", r.Stderr);

        var (status, body) = await f.SendAsync(HttpMethod.Post, $"/api/v1/namespaces/{ns}/pods/two/exec?command=echo&stdout=true");
        Assert.Equal(400, status);
        Assert.Equal("a container name must be specified for pod two, choose one of: [web sidecar]", body!["message"]!.ToString());
        var (plain, plainBody) = await f.SendAsync(HttpMethod.Post, $"/api/v1/namespaces/{ns}/pods/two/exec?command=echo&stdout=true&container=web");
        Assert.Equal(400, plain);
        Assert.Equal("Upgrade request required", plainBody!["message"]!.ToString());
        var (attach, _) = await f.SendAsync(HttpMethod.Post, $"/api/v1/namespaces/{ns}/pods/two/attach?container=web");
        Assert.Equal(400, attach);
    }

    [Fact]
    public async Task KubernetesClient_exec_gets_stdout_and_the_exit_status()
    {
        var (ns, _) = await PodAsync();
        var stdout = "";
        var code = await f.Client.NamespacedPodExecAsync("box", ns, "box", ["echo", "from", "csharp"], false, async (_, output, _) =>
        {
            using var reader = new StreamReader(output, Encoding.UTF8);
            stdout = await reader.ReadToEndAsync();
        }, CancellationToken.None);
        Assert.Equal(0, code);
        Assert.Equal("from csharp\n", stdout);

        var failed = await f.Client.NamespacedPodExecAsync("box", ns, "box", ["sh", "-c", "exit 7"], false, (_, _, _) => Task.CompletedTask, CancellationToken.None);
        Assert.Equal(7, failed);
    }
}
