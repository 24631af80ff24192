using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using k8s;
using k8s.Models;
using KubeLab.Runner;

namespace KubeLab.Cli.Commands;

/// <summary><c>kubelab bench</c>: figures about the simulator and the runner (no pass/fail).</summary>
internal static partial class BenchCommand
{
    /// <summary>The sections a run can be limited to with <c>--only</c>.</summary>
    private static readonly string[] Sections = ["startup", "replicaset", "rollout", "scale", "api", "authn", "authz", "dataplane", "endpoints", "services", "gateway", "configmaps", "storage", "notebooks"];

    private const int MaxReplicas = 10_000;

    public static Command Create()
    {
        var replicas = new Option<int>("--replicas") { Description = "Replicas of the benchmark ReplicaSet.", DefaultValueFactory = _ => 100 };
        var deploymentReplicas = new Option<int[]>("--deployment-replicas")
        {
            Description = "Replicas of the benchmark Deployment rollout; several values (e.g. 1000 5000) show how its cost grows.",
            DefaultValueFactory = _ => [1000, 5000],
            AllowMultipleArgumentsPerToken = true,
        };
        var scaleReplicas = new Option<int>("--scale-replicas") { Description = "Pods of one Deployment taken to all Running on a widened cluster.", DefaultValueFactory = _ => 10_000 };
        var clients = new Option<int>("--api-clients") { Description = "Concurrent clients of the API latency figures.", DefaultValueFactory = _ => 10 };
        var only = new Option<string[]>("--only")
        {
            Description = $"Run only these sections: {string.Join(", ", Sections)}.",
            AllowMultipleArgumentsPerToken = true,
        };
        var json = new Option<bool>("--json") { Description = "Print the figures as JSON (key, value, unit) instead of a table." };
        var output = new Option<string?>("--output") { Description = "Also write the figures as JSON to this file." };
        var command = new Command("bench", "Measure simulator start-up, a large ReplicaSet, Deployment rollouts at growing sizes, 10,000 pods to Running, API latency, exec / pod proxy / log follow, EndpointSlice latency, and every chapter notebook on the simulator.")
            { replicas, deploymentReplicas, scaleReplicas, clients, only, json, output };
        command.SetAction((parse, ct) => CommandErrors.Guard(() => RunAsync(new Settings(parse.GetValue(replicas), parse.GetValue(deploymentReplicas) ?? [],
            parse.GetValue(scaleReplicas), parse.GetValue(clients), SplitSections(parse.GetValue(only)), parse.GetValue(json), parse.GetValue(output)), ct)));
        return command;
    }

    /// <summary>`--only rollout api` and `--only rollout,api` (as the README writes it) mean the same.</summary>
    private static string[] SplitSections(string[]? values) =>
        (values ?? []).SelectMany(v => v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToArray();

    private sealed record Settings(int Replicas, int[] DeploymentReplicas, int ScaleReplicas, int ApiClients, string[] Only, bool Json, string? Output)
    {
        public bool Runs(string section) => Only.Length == 0 || Only.Contains(section, StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>kubelet's default maxPods (110 on kind's nodes): the benchmark cluster gets enough workers for its replicas.</summary>
    private const int PodsPerNode = 110;

    /// <summary>Workers for <paramref name="pods"/> pods with 10 % head room (a rolling update surges by 25 %, at most 110 per node).</summary>
    private static int WorkersFor(int pods) => Math.Max(2, (int)Math.Ceiling(pods * 1.3 / PodsPerNode));

    private static async Task<int> RunAsync(Settings settings, CancellationToken ct)
    {
        if (settings.Replicas is < 1 or > MaxReplicas)
            throw new UserError($"--replicas must be between 1 and {MaxReplicas} (got {settings.Replicas}).");
        if (settings.DeploymentReplicas.FirstOrDefault(r => r is < 1 or > MaxReplicas) is var bad and not 0)
            throw new UserError($"--deployment-replicas must be between 1 and {MaxReplicas} (got {bad}).");
        if (settings.ScaleReplicas is < 1 or > MaxReplicas)
            throw new UserError($"--scale-replicas must be between 1 and {MaxReplicas} (got {settings.ScaleReplicas}).");
        if (settings.ApiClients is < 1 or > 100)
            throw new UserError($"--api-clients must be between 1 and 100 (got {settings.ApiClients}).");
        if (settings.Only.FirstOrDefault(o => !Sections.Contains(o, StringComparer.OrdinalIgnoreCase)) is { } unknown)
            throw new UserError($"--only: unknown section \"{unknown}\" (known: {string.Join(", ", Sections)}).");
        var root = RepoRoot.Find(Environment.CurrentDirectory);
        var outDir = Path.Combine(root, "artifacts", "bench");
        var figures = new BenchFigures();
        var machine = new Dictionary<string, string>
        {
            ["cores"] = Environment.ProcessorCount.ToString(CultureInfo.InvariantCulture),
            ["os"] = System.Runtime.InteropServices.RuntimeInformation.OSDescription,
            ["runtime"] = System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription,
            ["serverGC"] = System.Runtime.GCSettings.IsServerGC.ToString(),
            ["date"] = DateTimeOffset.UtcNow.ToString("u", CultureInfo.InvariantCulture),
        };
        figures.Add("machine.cores", "machine: logical cores", Environment.ProcessorCount, "cores", "0");

        var clock = Stopwatch.StartNew();
        if (settings.Runs("startup"))
        {
            clock.Restart();
            await using var session = await ClusterSession.StartSimulatorAsync(Path.Combine(outDir, "kubeconfig-sim.yaml"), ct: ct);
            using var client = session.Simulator!.CreateClient();
            await client.Version.GetCodeAsync(ct);
            figures.Add("startup.version_ms", "simulator start → /version answers", clock.Elapsed.TotalMilliseconds, "ms", "0");
        }

        if (settings.Runs("replicaset"))
        {
            var workers = WorkersFor(settings.Replicas);
            await using var memory = new MemorySampler();
            await using var wide = await KubeLab.Simulator.SimulatedCluster.StartAsync(new KubeLab.Simulator.SimulatorOptions { WorkerNodes = workers }, ct);
            using var client = wide.CreateClient();
            var rsTime = await TimeReplicaSetAsync(client, settings.Replicas, ct);
            figures.Add($"replicaset.{settings.Replicas}.ready_s", $"{settings.Replicas}-replica ReplicaSet → all Ready ({workers} workers)", rsTime.TotalSeconds, "s");
        }

        if (settings.Runs("rollout"))
        {
            foreach (var n in settings.DeploymentReplicas)
            {
                // A fresh cluster per size, so each figure (and its memory) stands on its own.
                var workers = WorkersFor(n);
                await using var memory = new MemorySampler();
                await using (var wide = await KubeLab.Simulator.SimulatedCluster.StartAsync(new KubeLab.Simulator.SimulatorOptions { WorkerNodes = workers }, ct))
                {
                    using var client = wide.CreateClient();
                    var (created, rolled) = await DeploymentRolloutBench.RunAsync(client, n, ct);
                    figures.Add($"rollout.{n}.created_s", $"{n}-replica Deployment → all available ({workers} workers)", created.TotalSeconds, "s");
                    figures.Add($"rollout.{n}.rolling_update_s", $"{n}-replica rolling update (25%/25%) → complete", rolled.TotalSeconds, "s");
                }
                figures.Add($"rollout.{n}.cpu_s", $"  CPU time used during the {n}-replica runs", memory.CpuSeconds, "s");
                figures.Add($"rollout.{n}.peak_working_set_mib", $"  peak working set during the {n}-replica runs", memory.PeakWorkingSetMiB, "MiB");
                figures.Add($"rollout.{n}.peak_gc_heap_mib", $"  peak GC heap during the {n}-replica runs", memory.PeakHeapMiB, "MiB");
                figures.Add($"rollout.{n}.allocated_gib", $"  managed allocations during the {n}-replica runs", memory.AllocatedGiB, "GiB", "0.00");
                figures.AddText($"rollout.{n}.gc_collections", $"  GC collections gen0/1/2 during the {n}-replica runs", memory.Collections);
                figures.Add($"rollout.{n}.gc_pause_s", $"  GC pause time during the {n}-replica runs", memory.GcPauseSeconds, "s");
            }
        }

        if (settings.Runs("scale"))
        {
            var n = settings.ScaleReplicas;
            var workers = (int)Math.Ceiling(n * 1.1 / PodsPerNode);
            await using var memory = new MemorySampler();
            await using (var wide = await KubeLab.Simulator.SimulatedCluster.StartAsync(new KubeLab.Simulator.SimulatorOptions { WorkerNodes = workers }, ct))
            {
                using var client = wide.CreateClient();
                var running = await DeploymentRolloutBench.CreateAsync(client, n, "kubelab-bench-scale", ct);
                var runningCount = await CountRunningAsync(client, "kubelab-bench-scale", ct);
                if (runningCount != n)
                    throw new UserError($"{runningCount} of {n} pods are Running after the Deployment reported them available.", 1);
                figures.Add($"scale.{n}.running_s", $"{n} pods of one Deployment → all Running ({workers} workers)", running.TotalSeconds, "s");
            }
            figures.Add($"scale.{n}.cpu_s", $"  CPU time used during the {n}-pod run", memory.CpuSeconds, "s");
            figures.Add($"scale.{n}.peak_working_set_mib", $"  peak working set during the {n}-pod run", memory.PeakWorkingSetMiB, "MiB");
            figures.Add($"scale.{n}.peak_gc_heap_mib", $"  peak GC heap during the {n}-pod run", memory.PeakHeapMiB, "MiB");
            figures.Add($"scale.{n}.allocated_gib", $"  managed allocations during the {n}-pod run", memory.AllocatedGiB, "GiB", "0.00");
            figures.AddText($"scale.{n}.gc_collections", $"  GC collections gen0/1/2 during the {n}-pod run", memory.Collections);
            figures.Add($"scale.{n}.gc_pause_s", $"  GC pause time during the {n}-pod run", memory.GcPauseSeconds, "s");
        }

        if (settings.Runs("api"))
        {
            await using var cluster = await KubeLab.Simulator.SimulatedCluster.StartAsync(new KubeLab.Simulator.SimulatorOptions(), ct);
            using var client = cluster.CreateClient();
            var a = await ApiLatencyBench.RunAsync(client, settings.ApiClients, rounds: 100, ct);
            foreach (var (verb, p) in new[] { ("get", a.Get), ("list", a.List), ("patch", a.Patch) })
            {
                var what = verb switch { "get" => "GET pod", "list" => $"LIST {a.ListSize} pods", _ => "PATCH pod (strategic merge)" };
                figures.Add($"api.{verb}.p50_ms", $"API {what}, {settings.ApiClients} concurrent clients: p50", p.P50.TotalMilliseconds, "ms", "0.0");
                figures.Add($"api.{verb}.p99_ms", $"API {what}, {settings.ApiClients} concurrent clients: p99 (of {p.Count})", p.P99.TotalMilliseconds, "ms", "0.0");
            }
        }

        if (settings.Runs("authn"))
        {
            await using var cluster = await KubeLab.Simulator.SimulatedCluster.StartAsync(new KubeLab.Simulator.SimulatorOptions(), ct);
            var a = await AuthenticationBench.RunAsync(cluster, ct);
            figures.Add("authn.pki_ms", "cluster PKI at start (CA, serving cert, sa.key, 2 client certs)", a.PkiMs, "ms", "0.0");
            figures.Add("authn.token_verify_us", $"service-account token verification (RS256 + claims + lookups): mean of {a.Verifies}", a.VerifyMicros, "µs", "0.0");
            figures.Add("authn.https_keepalive_p50_ms", $"HTTPS GET /version on a kept-alive connection (client certificate): median of {a.Requests}", a.KeepAliveMs, "ms", "0.00");
            figures.Add("authn.https_new_connection_p50_ms", $"HTTPS GET /version with a new TLS handshake: median of {a.Requests / 4}", a.HandshakeMs, "ms", "0.00");
        }

        if (settings.Runs("dataplane"))
        {
            await using var cluster = await KubeLab.Simulator.SimulatedCluster.StartAsync(new KubeLab.Simulator.SimulatorOptions(), ct);
            using var client = cluster.CreateClient();
            var d = await DataPlaneBench.RunAsync(client, cluster.Clock, ct);
            figures.Add("dataplane.exec.p50_ms", $"exec round trip (`echo`, WebSocket): median of {d.ExecCount}", d.ExecMedian.TotalMilliseconds, "ms", "0.0");
            figures.Add("dataplane.exec.p99_ms", $"exec round trip (`echo`, WebSocket): p99 of {d.ExecCount}", d.ExecP99.TotalMilliseconds, "ms", "0.0");
            figures.Add("dataplane.proxy.requests_per_s", $"{d.ProxyGets} GETs through pods/proxy to agnhost (8 concurrent)", d.ProxyGetsPerSecond, "requests/s", "0");
            figures.Add("dataplane.log_follow.p50_ms", $"log follow latency (nginx writes an access line → a follow reader has it; median of {d.LogLines})", d.LogFollowMedian.TotalMilliseconds, "ms", "0.000");
        }

        if (settings.Runs("endpoints"))
        {
            await using var cluster = await KubeLab.Simulator.SimulatedCluster.StartAsync(new KubeLab.Simulator.SimulatorOptions { WorkerNodes = WorkersFor(EndpointSliceBench.BigService) }, ct);
            using var client = cluster.CreateClient();
            var e = await EndpointSliceBench.RunAsync(client, ct);
            figures.Add("endpoints.ready_to_slice.p50_ms", $"pod Ready → its EndpointSlice endpoint ready: median of {e.Pods}", e.Median.TotalMilliseconds, "ms", "0.0");
            figures.Add("endpoints.ready_to_slice.p99_ms", $"pod Ready → its EndpointSlice endpoint ready: p99 of {e.Pods}", e.P99.TotalMilliseconds, "ms", "0.0");
            figures.Add($"endpoints.{e.BigEndpoints}.listed_s", $"new Service over {e.BigEndpoints} running pods → all listed ready", e.BigListed.TotalSeconds, "s");
            figures.Add($"endpoints.{e.BigEndpoints}.slices", $"  EndpointSlices for those {e.BigEndpoints} endpoints", e.BigSlices, "slices", "0");
        }

        if (settings.Runs("services"))
        {
            var r = await ServiceRoutingBench.RunAsync(10_000, ct);
            figures.Add("services.dials_per_s", $"{r.Dials} Service dials through the kube-proxy model (cluster IP, 10 endpoints, {r.EndpointsHit} hit)", r.DialsPerSecond, "dials/s", "0");
        }

        if (settings.Runs("gateway"))
        {
            var g = await GatewayBench.RunAsync(10_000, ct);
            figures.Add("gateway.requests_per_s", $"{g.Requests} requests routed by the Envoy model (51 routes, 90/10 split: {g.WeightedShare:P1} to the 10)", g.RequestsPerSecond, "req/s", "0");
            figures.Add("gateway.class_accepted_ms", "simulator start → Gateway API CRDs installed and GatewayClass Accepted", g.ClassAccepted.TotalMilliseconds, "ms", "0");
            figures.Add("gateway.route_accepted_ms", "HTTPRoute created → Accepted and in the Envoy (resync every simulated second)", g.RouteAccepted.TotalMilliseconds, "ms", "0");
        }

        if (settings.Runs("authz"))
        {
            var z = await AuthorizationBench.RunAsync(20_000, ct);
            figures.Add("authz.rbac.requests_per_s", "GET configmap through the API handler as a RoleBinding's user, RBAC on every request (201 bindings in the namespace)", z.RbacRequestsPerSecond, "req/s", "0");
            figures.Add("authz.always_allow.requests_per_s", "  the same requests with AlwaysAllow (before RBAC)", z.AlwaysAllowRequestsPerSecond, "req/s", "0");
            figures.Add("authz.rbac.allow_decisions_per_s", "RBAC decisions per second, allowed by the namespace's last RoleBinding", z.AllowDecisionsPerSecond, "decisions/s", "0");
            figures.Add("authz.rbac.deny_decisions_per_s", "RBAC decisions per second, denied (every binding visited)", z.DenyDecisionsPerSecond, "decisions/s", "0");
        }

        if (settings.Runs("configmaps"))
        {
            await using var cluster = await KubeLab.Simulator.SimulatedCluster.StartAsync(new KubeLab.Simulator.SimulatorOptions { ClockSpeed = ConfigUpdateBench.Speed }, ct);
            using var client = cluster.CreateClient();
            var c = await ConfigUpdateBench.RunAsync(client, cluster.Clock, ct);
            figures.Add("configmaps.update_to_file.p50_s", $"ConfigMap edit → mounted file shows it: median of {c.Saw}/{c.Pods} pods (simulated s; kind ≤ {ConfigUpdateBench.KindBound.TotalSeconds:0} s + cache delay)", c.Median.TotalSeconds, "s", "0.0");
            figures.Add("configmaps.update_to_file.max_s", $"ConfigMap edit → mounted file shows it: slowest pod (simulated s)", c.Max.TotalSeconds, "s", "0.0");
        }

        if (settings.Runs("storage"))
        {
            await using var cluster = await KubeLab.Simulator.SimulatedCluster.StartAsync(new KubeLab.Simulator.SimulatorOptions(), ct);
            using var client = cluster.CreateClient();
            var (st, wffc) = await StorageBindBench.RunAsync(client, cluster.Clock, ct);
            foreach (var (key, what, l) in new[] { ("static", "static PV", st), ("wffc", "WaitForFirstConsumer (claim + pod, all at once)", wffc) })
            {
                figures.Add($"storage.{key}.p50_ms", $"PVC bind, {what}: median of {l.Count} (simulated {l.SimulatedMedian.TotalMilliseconds:0} ms)", l.Median.TotalMilliseconds, "ms", "0.0");
                figures.Add($"storage.{key}.p99_ms", $"PVC bind, {what}: p99 (simulated {l.SimulatedP99.TotalMilliseconds:0} ms)", l.P99.TotalMilliseconds, "ms", "0.0");
            }
        }

        var failures = new List<string>();
        if (settings.Runs("notebooks"))
        {
            var chapters = NotebookSelection.All(Path.Combine(root, "notebooks"))
                .Where(p => ChapterNotebook().IsMatch(Path.GetFileName(p))).ToList();
            if (chapters.Count == 0)
            {
                figures.AddText("notebooks", "chapter notebooks on the simulator", "no such notebooks");
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
                    figures.Add($"notebooks.{result.Name}_s", $"  {result.Name}{(result.Succeeded ? "" : " (FAILED)")}", result.Duration.TotalSeconds, "s", "0.0");
                }
                figures.Add("notebooks.all_s", $"all {chapters.Count} chapter notebooks on the simulator ({passed}/{chapters.Count} passed)", clock.Elapsed.TotalSeconds, "s", "0.0");
            }
        }

        using var process = Process.GetCurrentProcess();
        var gc = GC.GetGCMemoryInfo();
        figures.Add("process.peak_working_set_mib", "peak working set (whole run)", process.PeakWorkingSet64 / 1048576.0, "MiB");
        figures.Add("process.gc_heap_mib", "GC heap in use", GC.GetTotalMemory(false) / 1048576.0, "MiB");
        figures.Add("process.gc_committed_mib", "GC heap committed", gc.TotalCommittedBytes / 1048576.0, "MiB");
        figures.AddText("process.gc_collections", "GC collections gen0/1/2", $"{GC.CollectionCount(0)}/{GC.CollectionCount(1)}/{GC.CollectionCount(2)}");
        if (settings.Json)
            Console.WriteLine(figures.ToJson(machine));
        else
            figures.Print();
        if (settings.Output is { } path)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
            await File.WriteAllTextAsync(path, figures.ToJson(machine), ct);
        }
        foreach (var failure in failures)
            ConsoleOutput.Error("FAILED " + failure);
        return 0;
    }

    [GeneratedRegex(@"^\d\d[-_].*\.ipynb$")]
    private static partial Regex ChapterNotebook();

    /// <summary>Creates a ReplicaSet and measures until status.readyReplicas reaches spec.replicas (watch-based).</summary>
    /// <summary>Running pods of a namespace, listed in pages of 500 as kubectl does (one 10,000-pod response would dominate the peak).</summary>
    private static async Task<int> CountRunningAsync(IKubernetes client, string ns, CancellationToken ct)
    {
        var running = 0;
        string? next = null;
        do
        {
            var page = await client.CoreV1.ListNamespacedPodAsync(ns, limit: 500, continueParameter: next, cancellationToken: ct);
            running += page.Items.Count(p => p.Status?.Phase == "Running");
            next = page.Metadata?.ContinueProperty;
        } while (!string.IsNullOrEmpty(next));
        return running;
    }

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
}
