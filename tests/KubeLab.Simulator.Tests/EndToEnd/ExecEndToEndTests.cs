namespace KubeLab.Simulator.Tests.EndToEnd;

/// <summary><c>kubectl exec</c> into containers the simulated runtime really runs (busybox shell, nginx, pause).</summary>
public sealed class ExecEndToEndTests(EndToEndCluster f) : IClassFixture<EndToEndCluster>
{
    private const string Box = """
        apiVersion: v1
        kind: Pod
        metadata:
          name: box
        spec:
          containers:
          - name: main
            image: busybox:1.36
            command: ["sleep", "3600"]
        """;

    private async Task<string> RunningBoxAsync(string prefix)
    {
        var ns = await f.NewNamespaceAsync(prefix);
        await f.ApplyAsync(ns, Box);
        await f.WaitForRunningAsync(ns, "box");
        return ns;
    }

    [Fact]
    public async Task Echo_and_exit_code_propagation()
    {
        var ns = await RunningBoxAsync("exec-echo");

        var hi = await f.ExecAsync(null, "exec", "box", "-n", ns, "--", "echo", "hi");
        Assert.True(hi.ExitCode == 0, hi.ToString());
        Assert.Equal("hi\n", hi.Stdout);
        Assert.Equal("", hi.Stderr);

        var three = await f.ExecAsync(null, "exec", "box", "-n", ns, "--", "sh", "-c", "exit 3");
        Assert.Equal(3, three.ExitCode);
        Assert.Equal("", three.Stdout);
        Assert.Equal("command terminated with exit code 3", three.Stderr.Trim());
    }

    [Fact]
    public async Task Interactive_shell_reads_piped_stdin()
    {
        var ns = await RunningBoxAsync("exec-stdin");
        var r = await f.ExecAsync("echo hello; hostname\n", "exec", "-i", "box", "-n", ns, "--", "sh");
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal("hello\nbox\n", r.Stdout);
    }

    [Fact]
    public async Task Tty_with_piped_stdin_falls_back_to_no_tty()
    {
        var ns = await RunningBoxAsync("exec-tty");
        var r = await f.ExecAsync("echo hello; hostname\n", "exec", "-it", "box", "-n", ns, "--", "sh");
        Assert.True(r.ExitCode == 0, r.ToString());
        // kubectl (pkg/cmd/exec: t.Raw … SetupTTY) warns when stdin is not a terminal and runs without a TTY.
        Assert.Equal("Unable to use a TTY - input is not a terminal or the right kind of file", r.Stderr.Trim());
        Assert.Equal("hello\nbox\n", r.Stdout);
    }

    [Fact]
    public async Task Missing_container_is_refused()
    {
        var ns = await RunningBoxAsync("exec-bogus");
        var r = await f.ExecAsync(null, "exec", "box", "-c", "bogus", "-n", ns, "--", "echo", "hi");
        Assert.Equal(1, r.ExitCode);
        Assert.Equal("", r.Stdout);
        // kubectl only checks names when it picks a default itself; the API server refuses the WebSocket upgrade and then
        // kubectl's SPDY fallback with 400 (pkg/registry/core/pod/strategy.go streamLocation).
        Assert.Equal("Error from server (BadRequest): container bogus is not valid for pod box", r.Stderr.Trim());
    }

    [Fact]
    public async Task Command_outside_the_modelled_shell_is_not_found()
    {
        var ns = await RunningBoxAsync("exec-sed");
        var r = await f.ExecAsync(null, "exec", "box", "-n", ns, "--", "sh", "-c", "sed s/a/b/");
        Assert.Equal(127, r.ExitCode);
        Assert.Equal("sh: sed: not found\ncommand terminated with exit code 127", r.Stderr.Trim());
    }

    [Fact]
    public async Task Ls_in_nginx_shows_its_html_directory()
    {
        var ns = await f.NewNamespaceAsync("exec-nginx");
        await f.RunNginxAsync(ns, "web");
        var r = await f.ExecAsync(null, "exec", "web", "-n", ns, "--", "ls", "/usr/share/nginx/html");
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal(["50x.html", "index.html"], r.Lines);
    }

    [Fact]
    public async Task Image_without_a_shell_has_no_sh()
    {
        var ns = await f.NewNamespaceAsync("exec-pause");
        await f.ApplyAsync(ns, """
            apiVersion: v1
            kind: Pod
            metadata:
              name: quiet
            spec:
              containers:
              - name: pause
                image: registry.k8s.io/pause:3.10
            """);
        await f.WaitForRunningAsync(ns, "quiet");
        var r = await f.ExecAsync(null, "exec", "quiet", "-n", ns, "--", "sh");
        Assert.Equal(1, r.ExitCode);
        Assert.Equal("", r.Stdout);
        // runc's error inside containerd's exec id, wrapped by the kubelet's streaming server and once more by the API server's
        // WebSocket translator; kubectl prints it as an error, not as an exit code.
        Assert.Matches("^error: Internal error occurred: Internal error occurred: error executing command in container: failed to exec in container: " +
            "failed to start exec \"[0-9a-f]{64}\": OCI runtime exec failed: exec failed: unable to start container process: " +
            "exec: \"sh\": executable file not found in \\$PATH: unknown$", r.Stderr.Trim());
    }

    [Fact]
    public async Task Completed_pod_cannot_be_exec_ed_into()
    {
        var ns = await f.NewNamespaceAsync("exec-done");
        await f.ApplyAsync(ns, """
            apiVersion: batch/v1
            kind: Job
            metadata:
              name: done
            spec:
              template:
                metadata:
                  labels:
                    app: done
                spec:
                  restartPolicy: Never
                  containers:
                  - name: main
                    image: busybox:1.36
                    command: ["sh", "-c", "echo finished"]
            """);
        var pod = (await f.WaitForPodsAsync(ns, "app=done", 1, p => p.Status?.Phase == "Succeeded", "Succeeded"))[0];
        var r = await f.ExecAsync(null, "exec", pod.Metadata.Name, "-n", ns, "--", "echo", "hi");
        Assert.Equal(1, r.ExitCode);
        Assert.Equal("error: cannot exec into a container in a completed pod; current phase is Succeeded", r.Stderr.Trim());
    }
}
