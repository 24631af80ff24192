using System.CommandLine;
using System.Diagnostics;
using System.Text.RegularExpressions;
using k8s;
using k8s.Models;
using KubeLab.Runner;
using Spectre.Console;

namespace KubeLab.Cli.Commands;

/// <summary><c>kubelab bench</c>: figures about the simulator and the runner (no pass/fail).</summary>
internal static partial class BenchCommand
{
    public static Command Create()
    {
        var replicas = new Option<int>("--replicas") { Description = "Replicas of the benchmark ReplicaSet.", DefaultValueFactory = _ => 100 };
        var deploymentReplicas = new Option<int>("--deployment-replicas") { Description = "Replicas of the benchmark Deployment rollout.", DefaultValueFactory = _ => 1000 };
        var command = new Command("bench", "Measure simulator start-up, a large ReplicaSet, a large Deployment rollout, exec / pod proxy / log follow, and every chapter notebook on the simulator.")
            { replicas, deploymentReplicas };
        command.SetAction((parse, ct) => CommandErrors.Guard(() => RunAsync(parse.GetValue(replicas), parse.GetValue(deploymentReplicas), ct)));
        return command;
    }

    /// <summary>kubelet's default maxPods (110 on kind's nodes): the benchmark cluster gets enough workers for its replicas.</summary>
    private const int PodsPerNode = 110;

    private static async Task<int> RunAsync(int replicas, int deploymentReplicas, CancellationToken ct)
    {
        if (replicas is < 1 or > 5000)
            throw new UserError($"--replicas must be between 1 and 5000 (got {replicas}).");
        if (deploymentReplicas is < 1 or > 5000)
            throw new UserError($"--deployment-replicas must be between 1 and 5000 (got {deploymentReplicas}).");
        var root = RepoRoot.Find(Environment.CurrentDirectory);
        var outDir = Path.Combine(root, "artifacts", "bench");
        var figures = new List<(string What, string Value)>();

        var clock = Stopwatch.StartNew();
        await using (var session = await ClusterSession.StartSimulatorAsync(Path.Combine(outDir, "kubeconfig-sim.yaml"), ct: ct))
        {
            using var client = session.Simulator!.CreateClient();
            await client.Version.GetCodeAsync(ct);
            figures.Add(("simulator start → /version answers", $"{clock.Elapsed.TotalMilliseconds:0} ms"));
            Report(figures[^1]);
        }

        // The course cluster's 2 workers hold 220 pods; large replica counts run on a wider simulated cluster.
        var workers = Math.Max(2, (int)Math.Ceiling(Math.Max(replicas, deploymentReplicas) * 1.1 / PodsPerNode));
        await using (var wide = await KubeLab.Simulator.SimulatedCluster.StartAsync(new KubeLab.Simulator.SimulatorOptions { WorkerNodes = workers }, ct))
        {
            using var client = wide.CreateClient();
            var rsTime = await TimeReplicaSetAsync(client, replicas, ct);
            figures.Add(($"{replicas}-replica ReplicaSet → all Ready ({workers} workers)", $"{rsTime.TotalSeconds:0.00} s"));
            Report(figures[^1]);

            var (created, rolled) = await DeploymentRolloutBench.RunAsync(client, deploymentReplicas, ct);
            figures.Add(($"{deploymentReplicas}-replica Deployment → all available", $"{created.TotalSeconds:0.00} s"));
            Report(figures[^1]);
            figures.Add(($"{deploymentReplicas}-replica rolling update (25%/25%) → complete", $"{rolled.TotalSeconds:0.00} s"));
            Report(figures[^1]);
        }

        await using (var cluster = await KubeLab.Simulator.SimulatedCluster.StartAsync(new KubeLab.Simulator.SimulatorOptions(), ct))
        {
            using var client = cluster.CreateClient();
            var d = await DataPlaneBench.RunAsync(client, cluster.Clock, ct);
            figures.Add(($"exec round trip (`echo`, WebSocket; median / p99 of {d.ExecCount})",
                $"{d.ExecMedian.TotalMilliseconds:0.0} ms / {d.ExecP99.TotalMilliseconds:0.0} ms"));
            Report(figures[^1]);
            figures.Add(($"{d.ProxyGets} GETs through pods/proxy to agnhost (8 concurrent)", $"{d.ProxyGetsPerSecond:0} requests/s"));
            Report(figures[^1]);
            figures.Add(($"log follow latency (nginx writes an access line → a follow reader has it; median of {d.LogLines})", $"{d.LogFollowMedian.TotalMilliseconds:0.0} ms"));
            Report(figures[^1]);
        }

        var failures = new List<string>();
        var chapters = NotebookSelection.All(Path.Combine(root, "notebooks"))
            .Where(p => ChapterNotebook().IsMatch(Path.GetFileName(p))).ToList();
        if (chapters.Count == 0)
        {
            figures.Add(("chapter notebooks on the simulator", "no such notebooks"));
        }
        else
        {
            // The notebooks run exactly as `kubelab run --cluster sim` runs them: one shared course simulator.
            await using var session = await ClusterSession.StartSimulatorAsync(Path.Combine(outDir, "kubeconfig-sim.yaml"), ct: ct);
            clock.Restart();
            var passed = 0;
            foreach (var nb in chapters)
            {
                session.PrepareForNextNotebook();
                var result = await NotebookRunner.RunAsync(nb, new RunOptions { OutputDirectory = outDir, WorkingDirectory = Path.Combine(root, "notebooks") }, null, ct);
                passed += result.Succeeded ? 1 : 0;
                if (!result.Succeeded)
                    failures.Add(result.Describe());
                figures.Add(($"  {result.Name}", $"{result.Duration.TotalSeconds:0.0} s {(result.Succeeded ? "" : "(FAILED)")}".Trim()));
                Report(figures[^1]);
            }
            figures.Add(($"all {chapters.Count} chapter notebooks on the simulator ({passed}/{chapters.Count} passed)", $"{clock.Elapsed.TotalSeconds:0.0} s"));
        }

        var process = Process.GetCurrentProcess();
        var gc = GC.GetGCMemoryInfo();
        figures.Add(("peak working set", $"{process.PeakWorkingSet64 / 1048576.0:0} MiB"));
        figures.Add(("GC heap in use / committed", $"{GC.GetTotalMemory(false) / 1048576.0:0} MiB / {gc.TotalCommittedBytes / 1048576.0:0} MiB"));
        figures.Add(("GC collections gen0/1/2", $"{GC.CollectionCount(0)}/{GC.CollectionCount(1)}/{GC.CollectionCount(2)}"));
        Print(figures);
        foreach (var failure in failures)
            ConsoleOutput.Error("FAILED " + failure);
        return 0;
    }

    [GeneratedRegex(@"^\d\d[-_].*\.ipynb$")]
    private static partial Regex ChapterNotebook();

    private static void Report((string What, string Value) figure)
    {
        if (ConsoleOutput.Plain)
            Console.WriteLine($"  … {figure.What.Trim()}: {figure.Value}");
    }

    /// <summary>Creates a ReplicaSet and measures until status.readyReplicas reaches spec.replicas (watch-based).</summary>
    private static async Task<TimeSpan> TimeReplicaSetAsync(IKubernetes client, int replicas, CancellationToken ct)
    {
        const string ns = "kubelab-bench";
        await client.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = ns } }, cancellationToken: ct);
        var labels = new Dictionary<string, string> { ["app"] = "bench" };
        var rs = new V1ReplicaSet
        {
            Metadata = new V1ObjectMeta { Name = "bench" },
            Spec = new V1ReplicaSetSpec
            {
                Replicas = replicas,
                Selector = new V1LabelSelector { MatchLabels = labels },
                Template = new V1PodTemplateSpec
                {
                    Metadata = new V1ObjectMeta { Labels = labels },
                    Spec = new V1PodSpec { Containers = [new V1Container { Name = "web", Image = "nginx:1.27" }] },
                },
            },
        };
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromMinutes(3));
        var clock = Stopwatch.StartNew();
        await client.AppsV1.CreateNamespacedReplicaSetAsync(rs, ns, cancellationToken: ct);
        try
        {
            while (true)
            {
                // Watch from the current state; a watch that ends (server timeout) is simply re-opened.
                var list = await client.AppsV1.ListNamespacedReplicaSetAsync(ns, fieldSelector: "metadata.name=bench", cancellationToken: timeout.Token);
                if (list.Items.FirstOrDefault()?.Status?.ReadyReplicas >= replicas)
                    return clock.Elapsed;
                await foreach (var (_, item) in client.AppsV1.WatchListNamespacedReplicaSetAsync(
                                   ns, fieldSelector: "metadata.name=bench", resourceVersion: list.Metadata.ResourceVersion,
                                   timeoutSeconds: 60, cancellationToken: timeout.Token))
                {
                    if (item.Status?.ReadyReplicas >= replicas)
                        return clock.Elapsed;
                }
            }
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new UserError($"The {replicas}-replica ReplicaSet was not Ready within 3 minutes on the simulator.", 1);
        }
    }

    private static void Print(List<(string What, string Value)> figures)
    {
        if (ConsoleOutput.Plain)
        {
            var width = figures.Max(f => f.What.Length);
            Console.WriteLine();
            foreach (var (what, value) in figures)
                Console.WriteLine($"{what.PadRight(width)}  {value}");
            return;
        }
        var table = new Table().AddColumn("measure").AddColumn(new TableColumn("value").RightAligned());
        foreach (var (what, value) in figures)
            table.AddRow(Markup.Escape(what), Markup.Escape(value));
        AnsiConsole.Write(table);
    }
}
