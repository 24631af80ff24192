using System.Diagnostics;
using System.Text;

namespace KubeLab.Notebooks.Tests;

/// <summary>The built <c>kubelab</c> command, run as a real process with <c>dotnet kubelab.dll</c>.</summary>
[Collection(NotebookCollection.Name)]
public sealed class CliTests : IDisposable
{
    private static readonly string KubelabDll = Path.Combine(TestPaths.Root, "lib", "KubeLab.Cli", "bin", "Debug", "net10.0", "KubeLab.Cli.dll");
    private readonly string _temp = Directory.CreateTempSubdirectory("kubelab-cli-").FullName;

    public void Dispose() => Directory.Delete(_temp, recursive: true);

    private sealed class Running(Process process, StringBuilder stdout, StringBuilder stderr)
    {
        public Process Process => process;
        public string Stdout { get { lock (stdout) return stdout.ToString(); } }
        public string Stderr { get { lock (stderr) return stderr.ToString(); } }
    }

    private static Running Start(params string[] args)
    {
        Assert.True(File.Exists(KubelabDll), $"{KubelabDll} is missing: build lib/KubeLab.Cli first");
        var info = new ProcessStartInfo("dotnet") { WorkingDirectory = TestPaths.Root, RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add(KubelabDll);
        foreach (var a in args)
            info.ArgumentList.Add(a);
        info.Environment["CI"] = "true";
        info.Environment.Remove("KUBECONFIG");          // never reach for a developer's real cluster
        info.Environment.Remove("KUBELAB_CONTEXT");
        info.Environment["HOME"] = Path.GetTempPath();   // no ~/.kube/config with a kind context
        var stdout = new StringBuilder();
        var stderr = new StringBuilder();
        var process = new Process { StartInfo = info };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (stdout) stdout.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (stderr) stderr.AppendLine(e.Data); };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return new Running(process, stdout, stderr);
    }

    private static async Task<Running> RunToEnd(TimeSpan timeout, params string[] args)
    {
        var run = Start(args);
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await run.Process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            run.Process.Kill(entireProcessTree: true);
            Assert.Fail($"kubelab {string.Join(' ', args)} did not finish within {timeout}. Output:\n{run.Stdout}\n{run.Stderr}");
        }
        run.Process.WaitForExit(); // flush redirected output
        return run;
    }

    private static async Task<string> Kubectl(params string[] args)
    {
        var info = new ProcessStartInfo("kubectl") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args)
            info.ArgumentList.Add(a);
        using var p = Process.Start(info)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync();
        Assert.True(p.ExitCode == 0, $"kubectl {string.Join(' ', args)} failed: {await stderr}");
        return await stdout;
    }

    [Fact]
    public async Task Sim_prints_ready_serves_kubectl_and_exits_0_on_SIGTERM()
    {
        var kubeconfig = Path.Combine(_temp, "kubeconfig-sim.yaml");
        var sim = Start("sim", "--kubeconfig", kubeconfig);
        try
        {
            var deadline = Stopwatch.StartNew();
            // The ready line and the kubectl hint are separate writes: wait for the hint, which comes last.
            while (!sim.Stdout.Contains("get nodes") && deadline.Elapsed < TimeSpan.FromSeconds(60) && !sim.Process.HasExited)
                await Task.Delay(100);
            Assert.Contains("ready at https://127.0.0.1:", sim.Stdout);
            Assert.Contains($"kubectl --kubeconfig {kubeconfig} get nodes", sim.Stdout);

            var nodes = await Kubectl("--kubeconfig", kubeconfig, "get", "nodes", "-o", "name");
            Assert.Contains("node/", nodes);

            Assert.Equal(0, SendSigterm(sim.Process.Id));
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await sim.Process.WaitForExitAsync(cts.Token);
            Assert.Equal(0, sim.Process.ExitCode);
            Assert.Contains("Stopped.", sim.Stdout);
        }
        finally
        {
            if (!sim.Process.HasExited)
                sim.Process.Kill(entireProcessTree: true);
        }
    }

    [Fact]
    public async Task Run_on_auto_without_a_kind_cluster_uses_the_simulator_and_exits_0_when_the_notebook_passes()
    {
        var run = await RunToEnd(TimeSpan.FromMinutes(3), "run", "--cluster", "auto", "--out", _temp, TestPaths.TestNotebook("outputs"));

        Assert.True(run.Process.ExitCode == 0, run.Stdout + run.Stderr);
        Assert.Contains("cluster: sim (context kubelab-sim, https://127.0.0.1:", run.Stdout);
        Assert.Matches(@"outputs\s+sim\s+PASS", run.Stdout);
        Assert.Contains("notebooks: 1 passed, 0 failed", run.Stdout);
        Assert.True(File.Exists(Path.Combine(_temp, "outputs.ipynb")));
        Assert.True(File.Exists(Path.Combine(_temp, "kubeconfig-sim.yaml")));
    }

    [Fact]
    public async Task Run_exits_non_zero_naming_the_notebook_cell_and_error_when_a_cell_fails()
    {
        var run = await RunToEnd(TimeSpan.FromMinutes(3), "run", "--cluster", "sim", "--out", _temp, TestPaths.TestNotebook("failing"));

        Assert.Equal(1, run.Process.ExitCode);
        Assert.Matches(@"failing\s+sim\s+FAIL", run.Stdout);
        Assert.Contains("failing: cell 3 (code cell 2)", run.Stderr);
        Assert.Contains("InvalidOperationException: the pod never became Ready", run.Stderr);
        Assert.Contains("notebooks: 0 passed, 1 failed", run.Stdout);
    }

    [Fact]
    public async Task Run_with_parallel_lanes_gives_each_lane_its_own_simulator_and_reports_all_notebooks_in_one_summary()
    {
        var run = await RunToEnd(TimeSpan.FromMinutes(4), "run", "--cluster", "sim", "--parallel", "2", "--out", _temp,
            TestPaths.TestNotebook("outputs"), TestPaths.TestNotebook("failing"));

        Assert.True(run.Process.ExitCode == 1, run.Stdout + run.Stderr);
        Assert.Contains("cluster: sim × 2", run.Stdout);
        Assert.Matches(@"(?m)^\[1\] cluster: sim \(context kubelab-sim, https://127\.0\.0\.1:", run.Stdout);
        Assert.Matches(@"(?m)^\[2\] cluster: sim \(context kubelab-sim, https://127\.0\.0\.1:", run.Stdout);
        Assert.Matches(@"(?m)^outputs\s+sim\s+PASS", run.Stdout);
        Assert.Matches(@"(?m)^failing\s+sim\s+FAIL", run.Stdout);
        Assert.Contains("FAILED failing: cell 3 (code cell 2)", run.Stderr);
        Assert.Contains("notebooks: 1 passed, 1 failed", run.Stdout);
        Assert.Contains("on sim (2 lanes)", run.Stdout);
        Assert.True(File.Exists(Path.Combine(_temp, "kubeconfig-sim-1.yaml")) && File.Exists(Path.Combine(_temp, "kubeconfig-sim-2.yaml")));
        Assert.True(File.Exists(Path.Combine(_temp, "outputs.ipynb")) && File.Exists(Path.Combine(_temp, "failing.ipynb")));
        Assert.Empty(Directory.GetFiles(_temp, ".lane-*"));
    }

    [Fact]
    public async Task Run_refuses_parallel_lanes_on_kind_with_the_reason()
    {
        var run = await RunToEnd(TimeSpan.FromMinutes(1), "run", "--cluster", "kind", "--parallel", "2", "00-introduction", "02-replicasets");

        Assert.Equal(2, run.Process.ExitCode);
        Assert.Contains("--parallel needs the simulator", run.Stderr);
        Assert.DoesNotContain("   at ", run.Stderr);
    }

    [Fact]
    public async Task Run_with_an_unknown_notebook_lists_the_ones_that_exist()
    {
        var run = await RunToEnd(TimeSpan.FromMinutes(1), "run", "--cluster", "sim", "no-such-chapter");

        Assert.Equal(2, run.Process.ExitCode);
        Assert.Contains("Unknown notebook 'no-such-chapter'", run.Stderr);
        Assert.Contains("00-introduction", run.Stderr);
        Assert.DoesNotContain("   at ", run.Stderr); // no stack trace
    }

    [Fact]
    public async Task Up_without_a_docker_engine_or_kind_explains_what_is_missing()
    {
        // This machine (and CI) has no Docker engine and no kind; the message must say which and point to the simulator.
        var run = await RunToEnd(TimeSpan.FromMinutes(1), "up");

        Assert.NotEqual(0, run.Process.ExitCode);
        Assert.Matches("Docker is not installed|cannot reach a Docker engine|kind is not installed", run.Stderr);
        Assert.Contains("kubelab run", run.Stderr);
        Assert.Contains("simulated cluster", run.Stderr);
        Assert.DoesNotContain("   at ", run.Stderr);
    }

    [Fact]
    public async Task Bench_dataplane_ends_with_its_figures_and_accepts_comma_separated_sections()
    {
        // The dataplane section once waited forever when an exec's status arrived before the bench asked for its channel.
        var run = await RunToEnd(TimeSpan.FromMinutes(3), "bench", "--only", "startup,dataplane", "--json");
        Assert.True(run.Process.ExitCode == 0, $"{run.Stdout}\n{run.Stderr}");
        foreach (var key in new[] { "startup.", "dataplane.exec.p50_ms", "dataplane.proxy.requests_per_s", "dataplane.log_follow.p50_ms" })
            Assert.Contains(key, run.Stdout);
        Assert.DoesNotContain("rollout.", run.Stdout);
    }

    [Fact]
    public async Task Bench_services_reports_service_dials_per_second()
    {
        var run = await RunToEnd(TimeSpan.FromMinutes(2), "bench", "--only", "services", "--json");
        Assert.True(run.Process.ExitCode == 0, $"{run.Stdout}\n{run.Stderr}");
        Assert.Contains("services.dials_per_s", run.Stdout);
        Assert.DoesNotContain("dataplane.", run.Stdout);
    }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int SysKill(int pid, int signal);

    private static int SendSigterm(int pid) => SysKill(pid, 15);
}
