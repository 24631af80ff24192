using System.Text;
using k8s;
using k8s.Models;

namespace KubeLab.Simulator.Tests.Runtime;

/// <summary>
/// <c>kubectl exec -it pod -- sh</c> as KubernetesClient drives it: a TTY session on a real (modelled) busybox container.
/// The terminal sends Enter as "\r"; the pty turns the shell's "\n" into "\r\n".
/// </summary>
public sealed class TerminalExecTests(ClusterFixture f) : IClassFixture<ClusterFixture>
{
    [Fact]
    public async Task An_interactive_shell_prompts_runs_commands_and_exits()
    {
        var ns = await f.NewNamespaceAsync("tty");
        await f.Client.CoreV1.CreateNamespacedPodAsync(new V1Pod
        {
            Metadata = new V1ObjectMeta { Name = "box" },
            Spec = new V1PodSpec { Containers = [new V1Container { Name = "box", Image = "busybox:1.36", Command = ["sh", "-c", "trap 'exit 0' TERM; sleep 3600 & wait"] }] },
        }, ns);
        for (var i = 0; i < 300 && (await f.Client.CoreV1.ReadNamespacedPodAsync("box", ns)).Status?.Phase != "Running"; i++) await Task.Delay(100);

        using var socket = await f.Client.WebSocketNamespacedPodExecAsync("box", ns, ["sh"], "box", stdin: true, stdout: true, stderr: true, tty: true,
            webSocketSubProtocol: "v4.channel.k8s.io");
        using var demux = new StreamDemuxer(socket);
        var stdout = demux.GetStream(1, null);
        var stdin = demux.GetStream((byte?)null, (byte?)0);
        demux.Start();
        await stdin.WriteAsync(Encoding.UTF8.GetBytes("echo hello from $(hostname)\rexit 0\r"));

        var seen = new StringBuilder();
        var buffer = new byte[4096];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (!seen.ToString().Contains("hello from box\r\n", StringComparison.Ordinal))
        {
            var n = await stdout.ReadAsync(buffer, timeout.Token);
            if (n == 0) break;
            seen.Append(Encoding.UTF8.GetString(buffer, 0, n));
        }
        var text = seen.ToString();
        Assert.StartsWith("/ # ", text);
        Assert.Contains("hello from box\r\n", text);
        Assert.DoesNotContain("hello from box\n", text.Replace("\r\n", "", StringComparison.Ordinal));
    }
}
