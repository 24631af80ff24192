using k8s;
using k8s.Autorest;
using k8s.Models;
using KubeLab.Simulator.ControllerRuntime;
using KubeLab.Simulator.Kubelet.Environment;
using KubeLab.Simulator.Kubelet.Prober;
using KubeLab.Simulator.Kubelet.Server;
using KubeLab.Simulator.Kubelet.Volumes;
using KubeLab.Simulator.Network;
using KubeLab.Simulator.Runtime;

namespace KubeLab.Simulator.Kubelet;

/// <summary>
/// The life of one pod on one node, like a kubelet pod worker: create the sandbox (pod IP), run init containers one
/// after another, then start every container (pulling images first), keep them running or restart them according to
/// restartPolicy with CrashLoopBackOff, and report each change through the pods/status subresource.
/// Native sidecars (init containers with restartPolicy Always) start in their init slot, let the next one go once started, are
/// always restarted, and are stopped after the app containers: when those have ended for good, or when the pod is deleted.
/// <see cref="TerminateAsync"/> stops the containers when the pod is deleted and finalises the deletion.
/// </summary>
public sealed class PodWorker
{
    private readonly NodeKubelet kubelet;
    private readonly V1Pod pod;
    private readonly PodStatusModel model;
    private readonly CancellationTokenSource running;
    private readonly SemaphoreSlim writeLock = new(1, 1);
    private readonly object gate = new();
    private Task lifecycle = Task.CompletedTask;
    private PodSandbox? sandbox;
    private PodVolumes? volumes;
    private EtcFiles? etcFiles;
    private readonly ProbeManager prober;
    /// <summary>The restart loops of the sidecars started so far; they end when the worker's token is cancelled.</summary>
    private readonly List<Task> sidecarLoops = [];
    private readonly CancellationTokenSource sidecarsStopping;

    public PodWorker(NodeKubelet kubelet, V1Pod pod, CancellationToken stopping)
    {
        this.kubelet = kubelet;
        this.pod = pod;
        model = new PodStatusModel(pod, kubelet.HostIp, kubelet.Time.GetUtcNow().UtcDateTime);
        running = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        sidecarsStopping = CancellationTokenSource.CreateLinkedTokenSource(running.Token);
        prober = new ProbeManager(kubelet.Recorder, pod, kubelet.DataPlane.Network, kubelet.Time, kubelet.HostIp);
    }

    public string Uid => pod.Metadata.Uid ?? "";
    public string? PodIp => model.PodIp;
    public bool Terminating { get; private set; }

    private string Ns => pod.Metadata.NamespaceProperty;
    private string PodName => pod.Metadata.Name;
    private TimeProvider Time => kubelet.Time;
    private KubeletTimings Timings => kubelet.Timings;
    private DateTime Now => Time.GetUtcNow().UtcDateTime;

    public void Start() => lifecycle = Task.Run(() => RunAsync(running.Token));

    private Task Delay(TimeSpan delay, CancellationToken ct) => Task.Delay(delay, Time, ct);

    private void Event(ContainerRecord? c, string type, string reason, string message) =>
        kubelet.Recorder.Record(EventRecorder.Reference(pod, c?.FieldPath), type, reason, message);

    private async Task RunAsync(CancellationToken ct)
    {
        try
        {
            await PublishAsync(ct).ConfigureAwait(false); // startTime, hostIP, containers waiting (ContainerCreating)
            await Delay(Timings.Pick(Timings.SandboxSeconds), ct).ConfigureAwait(false);
            lock (gate)
            {
                model.PodIp = kubelet.Ips.Allocate();
                model.SandboxReady = true;
                sandbox = new PodSandbox(Ns, PodName, Uid, pod.Spec.Hostname ?? PodName, kubelet.NodeName) { Ip = model.PodIp };
            }
            kubelet.DataPlane.Network.Attach(sandbox);
            // No status write for the sandbox alone: kubelet.SyncPod writes the status it computed from the runtime state cached
            // before that sync, then creates the sandbox and starts the containers; the pod IP first reaches the API with the next
            // sync's status (the started containers). Hence ContainerCreating without an IP, then Running with it, as kind shows.
            volumes = await PrepareVolumesAsync(ct).ConfigureAwait(false);
            etcFiles = EtcFiles.Create(pod, [model.PodIp!], kubelet.NodeName, kubelet.HostIp, Time);
            _ = RefreshVolumesAsync(ct);

            // computeInitContainerActions: init containers in order; a sidecar only has to be started (startup probe passed),
            // a regular one has to complete.
            foreach (var init in model.InitContainers)
            {
                if (init.IsSidecar)
                {
                    lock (gate) sidecarLoops.Add(RunSidecarAsync(init, sidecarsStopping.Token));
                    await init.FirstStart.WaitAsync(ct).ConfigureAwait(false);
                    continue;
                }
                var ok = await RunContainerAsync(init, ct).ConfigureAwait(false);
                if (!ok)
                {
                    // restartPolicy Never and the init container failed: the pod has failed, its sidecars are stopped.
                    await StopSidecarsAfterAppsAsync(ct).ConfigureAwait(false);
                    return;
                }
            }
            lock (gate)
            {
                model.AppContainersStarting = true;
                foreach (var c in model.Containers)
                    if (c.State.Waiting?.Reason == "PodInitializing") c.State = ContainerRecord.Waiting("ContainerCreating");
            }
            // The sync after the last init container: Initialized, app containers ContainerCreating. Without init containers
            // there is no such sync; the first status write already said Initialized.
            if (model.InitContainers.Count > 0) await PublishAsync(ct).ConfigureAwait(false);
            await Task.WhenAll(model.Containers.Select(c => RunContainerAsync(c, ct))).ConfigureAwait(false);
            // Every app container has ended and will not be restarted (Never, or OnFailure after success): computePodActions
            // kills the pod (keepCount == 0), which stops the sidecars so they cannot keep a Job's pod alive.
            await StopSidecarsAfterAppsAsync(ct).ConfigureAwait(false);
        }
        catch (OperationCanceledException) { }
        catch (HttpOperationException e) when (e.Response.StatusCode == System.Net.HttpStatusCode.NotFound) { } // pod gone
        catch (Exception) { /* API server unreachable (shutting down): the worker simply stops */ }
    }

    /// <summary>A sidecar's own loop: restarted whatever the pod's restartPolicy until the kubelet stops it.</summary>
    private async Task RunSidecarAsync(ContainerRecord c, CancellationToken ct)
    {
        try { await RunContainerAsync(c, ct).ConfigureAwait(false); }
        catch (Exception) { /* stopped (cancelled), the pod is gone, or the API is going away */ }
    }

    /// <summary>
    /// The app containers have ended for good: stop the sidecars (reverse order, SIGTERM then SIGKILL after
    /// terminationGracePeriodSeconds), report them terminated and the pod's final phase.
    /// </summary>
    private async Task StopSidecarsAfterAppsAsync(CancellationToken ct)
    {
        List<Task> loops;
        lock (gate) loops = [.. sidecarLoops];
        if (loops.Count == 0) return;
        await sidecarsStopping.CancelAsync().ConfigureAwait(false);
        await Task.WhenAll(loops).ConfigureAwait(false);
        List<ContainerRecord> toStop;
        lock (gate)
        {
            toStop = model.Sidecars.Where(c => c.Running).ToList();
            // A sidecar waiting for its restart will not be started again.
            foreach (var c in model.Sidecars.Where(c => c.State.Waiting is not null && c.LastState?.Terminated is not null))
                c.State = c.LastState!;
        }
        foreach (var c in toStop) Event(c, "Normal", "Killing", $"Stopping container {c.Name}");
        var grace = TimeSpan.FromSeconds(pod.Spec.TerminationGracePeriodSeconds ?? 30);
        await StopInOrderAsync([], toStop, grace, ct).ConfigureAwait(false);
        lock (gate) model.SandboxReady = false;
        await PublishAsync(ct).ConfigureAwait(false);
    }

    /// <summary>Runs one container through pulls, starts, exits and restarts. Returns false if it ended failed for good.</summary>
    private async Task<bool> RunContainerAsync(ContainerRecord c, CancellationToken ct)
    {
        var crashes = 0;
        while (true)
        {
            await EnsureImageAsync(c, ct).ConfigureAwait(false);

            await Delay(Timings.Pick(Timings.StartSeconds), ct).ConfigureAwait(false);
            if (await CreateContainerAsync(c, ct).ConfigureAwait(false) is not { } instance)
            {
                // CreateContainerConfigError: the kubelet tries again on a later sync; the pod stays Pending meanwhile.
                await Delay(Timings.ConfigErrorRetry, ct).ConfigureAwait(false);
                continue;
            }
            var startedAt = Now;
            int exitCode;
            string? startError = null;
            try
            {
                instance.Start();
                lock (gate)
                {
                    c.ContainerId = "containerd://" + instance.Id;
                    c.ImageId = ImageReference.ImageId(c.Spec.Image ?? "");
                    c.State = new V1ContainerState { Running = new V1ContainerStateRunning { StartedAt = startedAt } };
                    c.Ready = false;
                    c.Started = c.IsInit && !c.IsSidecar; // a sidecar is started by the prober (startup probe, or at once)
                }
                Event(c, "Normal", "Created", $"Created container: {c.Name}");
                Event(c, "Normal", "Started", $"Started container {c.Name}");
                exitCode = await RunProbedAsync(c, instance, startedAt, ct).ConfigureAwait(false);
            }
            catch (ProcessStartException e)
            {
                // runc could not exec argv[0]: the container never ran (CRI reason StartError, exit code 128).
                startError = $"failed to create containerd task: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: {e.Message}: unknown";
                exitCode = 128;
                lock (gate) c.ContainerId = "containerd://" + instance.Id;
                Event(c, "Normal", "Created", $"Created container: {c.Name}");
                Event(c, "Warning", "Failed", $"Error: {startError}");
            }
            var ranFor = Now - startedAt;

            lock (gate)
            {
                c.State = new V1ContainerState
                {
                    Terminated = new V1ContainerStateTerminated
                    {
                        ExitCode = exitCode, Reason = startError is not null ? "StartError" : exitCode == 0 ? "Completed" : "Error",
                        Message = startError, StartedAt = startError is null ? startedAt : DateTime.UnixEpoch, FinishedAt = Now, ContainerID = c.ContainerId,
                    },
                };
                c.Ready = c.IsInit && !c.IsSidecar && exitCode == 0; // a completed init container reports ready
            }
            await PublishAsync(ct).ConfigureAwait(false);

            // Init containers must succeed; regular containers restart per restartPolicy; sidecars always restart.
            var restart = c.IsSidecar || model.RestartPolicy switch
            {
                "Always" => !(c.IsInit && exitCode == 0),
                "OnFailure" => exitCode != 0,
                _ => false,
            };
            if (!restart) return exitCode == 0;

            // The first restart happens on the next sync; later ones wait 10 s, 20 s, 40 s … (CrashLoopBackOff).
            // A container that ran longer than twice the maximum back-off starts the sequence afresh, as in the kubelet.
            if (ranFor > 2 * Timings.BackOffMax) crashes = 0;
            crashes++;
            if (crashes == 1)
            {
                await Delay(Timings.FirstRestart, ct).ConfigureAwait(false);
            }
            else
            {
                var backOff = Timings.BackOff(crashes - 1);
                lock (gate)
                {
                    c.SetLastState(c.State);
                    c.State = ContainerRecord.Waiting("CrashLoopBackOff",
                        $"back-off {GoDuration.Format(backOff)} restarting failed container={c.Name} pod={PodName}_{Ns}({Uid})");
                }
                Event(c, "Warning", "BackOff", $"Back-off restarting failed container {c.Name} in pod {PodName}_{Ns}({Uid})");
                await PublishAsync(ct).ConfigureAwait(false);
                await Delay(backOff, ct).ConfigureAwait(false);
            }
            lock (gate)
            {
                if (c.State.Terminated is not null) c.SetLastState(c.State);
                c.RestartCount++;
            }
        }
    }

    /// <summary>
    /// CRI CreateContainer: the image's files, the Pod's volumes and the kubelet-managed files mounted, the environment resolved
    /// (env, envFrom, valueFrom) as the kubelet does at container start. Null after a CreateContainerConfigError.
    /// </summary>
    private async Task<ContainerInstance?> CreateContainerAsync(ContainerRecord c, CancellationToken ct)
    {
        var image = kubelet.DataPlane.Images.Find(c.Spec.Image ?? "");
        Dictionary<string, string> env;
        try
        {
            env = await ContainerEnvironment.ResolveAsync(pod, c.Spec, model.PodIp ?? "", kubelet.HostIp, kubelet.Client, kubelet.ConfigObjects, kubelet.ServicesInAsync, ct).ConfigureAwait(false);
        }
        catch (ContainerConfigException e)
        {
            lock (gate) c.State = ContainerRecord.Waiting("CreateContainerConfigError", e.Message);
            Event(c, "Warning", "Failed", $"Error: {e.Message}");
            await PublishAsync(ct).ConfigureAwait(false);
            return null;
        }
        var environment = new Dictionary<string, string>(image.Environment, StringComparer.Ordinal) { ["PATH"] = image.Path, ["HOSTNAME"] = sandbox!.Hostname };
        foreach (var (k, v) in env) environment[k] = v;
        var config = new ContainerConfig(c.Name, image, ContainerConfig.ArgvOf(c.Spec.Command, c.Spec.Args, image), environment,
            string.IsNullOrEmpty(c.Spec.WorkingDir) ? "/" : c.Spec.WorkingDir, [.. etcFiles!.MountsFor(c.Spec), .. volumes!.MountsFor(c.Spec, env)]);
        var instance = new ContainerInstance(config, sandbox, kubelet.DataPlane.Network, Time, c.RestartCount);
        lock (gate) c.Instance = instance;
        return instance;
    }

    /// <summary>
    /// The kubelet re-syncs configMap, secret, downwardAPI and projected volumes periodically (about a minute plus the
    /// cache TTL): changed data is swapped in atomically through <c>..data</c>; subPath mounts keep the old file.
    /// </summary>
    private async Task RefreshVolumesAsync(CancellationToken ct)
    {
        try
        {
            while (!ct.IsCancellationRequested)
            {
                // pod_workers.go requeues a synced pod after wait.Jitter(resyncInterval, 0.5): 60–90 s with the default 1 min.
                await Delay(Timings.VolumeResync * (1 + 0.5 * Random.Shared.NextDouble()), ct).ConfigureAwait(false);
                await volumes!.RefreshAsync(ct).ConfigureAwait(false);
            }
        }
        catch (Exception) { /* pod stopping, or the API is going away */ }
    }

    /// <summary>Volumes are set up once per pod; until they can be (a missing ConfigMap, an unbound claim) the pod waits, as with FailedMount.</summary>
    private async Task<PodVolumes> PrepareVolumesAsync(CancellationToken ct)
    {
        while (true)
        {
            try
            {
                return await PodVolumes.PrepareAsync(pod, kubelet.NodeName, kubelet.Client, kubelet.ConfigObjects, kubelet.DataPlane.Volumes, Time, ct).ConfigureAwait(false);
            }
            catch (VolumeSetupException e)
            {
                foreach (var failure in e.Failures.DefaultIfEmpty(e)) Event(null, "Warning", VolumeSetupException.Reason, failure.Message);
                await Delay(Timings.ConfigErrorRetry, ct).ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// Waits for the container's main process while the prober runs its startup, liveness and readiness probes
    /// (pkg/kubelet/prober). A liveness or startup failure past its threshold kills the container as the kubelet does:
    /// SIGTERM, then SIGKILL when the grace period is over; the exit status is whatever the process made of that.
    /// </summary>
    private async Task<int> RunProbedAsync(ContainerRecord c, ContainerInstance instance, DateTime startedAt, CancellationToken ct)
    {
        if (c.IsInit && !c.IsSidecar)
        {
            await PublishAsync(ct).ConfigureAwait(false);
            return await instance.Exited.WaitAsync(ct).ConfigureAwait(false);
        }
        using var killed = CancellationTokenSource.CreateLinkedTokenSource(ct);
        ProbeKill? kill = null;
        var probes = prober.StartContainer(
            new ProbedContainer(c.Spec, c.ContainerId!, model.PodIp!, startedAt, (argv, token) => ProbeExecAsync(instance, argv, token)) { IsInitContainer = c.IsInit },
            new ProbeCallbacks
            {
                ReadinessChanged = ready => { lock (gate) c.Ready = ready; _ = PublishQuietlyAsync(ct); },
                StartedChanged = started => { lock (gate) c.Started = started; _ = PublishQuietlyAsync(ct); },
                LivenessFailed = k => { kill = k; killed.Cancel(); },
            });
        try
        {
            lock (gate) { c.Started = probes.Started; c.Ready = probes.Ready; }
            await PublishAsync(ct).ConfigureAwait(false);
            try
            {
                return await instance.Exited.WaitAsync(killed.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (kill is not null && !ct.IsCancellationRequested)
            {
                await probes.DisposeAsync().ConfigureAwait(false);
                lock (gate) c.Ready = false;
                instance.Terminate();
                try { return await instance.Exited.WaitAsync(kill.GracePeriod, Time, ct).ConfigureAwait(false); }
                catch (TimeoutException)
                {
                    instance.Kill();
                    return await instance.Exited.WaitAsync(ct).ConfigureAwait(false);
                }
            }
        }
        finally
        {
            await probes.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>An exec probe runs like <c>kubectl exec</c>: same container, output of stdout and stderr together.</summary>
    private static async Task<(int ExitCode, string Output)> ProbeExecAsync(ContainerInstance instance, IReadOnlyList<string> argv, CancellationToken ct)
    {
        var output = new BufferOutput();
        try
        {
            var code = await instance.ExecAsync(argv, EmptyInput.Instance, output, output, tty: false, ct).ConfigureAwait(false);
            return (code, output.ToString());
        }
        catch (ProcessStartException e) { return (e.ExitCode, e.Message); }
    }

    private async Task PublishQuietlyAsync(CancellationToken ct)
    {
        try { await PublishAsync(ct).ConfigureAwait(false); }
        catch (Exception) { /* pod gone or stopping: the next publish carries the state */ }
    }

    /// <summary>Image pulls: IfNotPresent reuses a node's image, Always re-checks the registry, Never never pulls.
    /// A missing image ends in ErrImagePull, then ImagePullBackOff with 10 s → 5 min back-off between attempts.</summary>
    private async Task EnsureImageAsync(ContainerRecord c, CancellationToken ct)
    {
        var image = c.Spec.Image ?? "";
        var policy = c.Spec.ImagePullPolicy ?? ImageReference.DefaultPullPolicy(image);
        var present = kubelet.HasImage(image);
        if (present && policy != "Always")
        {
            Event(c, "Normal", "Pulled", $"Container image \"{image}\" already present on machine");
            return;
        }
        if (!present && policy == "Never")
        {
            var msg = $"Container image \"{image}\" is not present with pull policy of Never";
            lock (gate) c.State = ContainerRecord.Waiting("ErrImageNeverPull", msg);
            Event(c, "Warning", "ErrImageNeverPull", msg);
            await PublishAsync(ct).ConfigureAwait(false);
            await Task.Delay(Timeout.InfiniteTimeSpan, Time, ct).ConfigureAwait(false);
        }

        for (var failures = 0; ; )
        {
            Event(c, "Normal", "Pulling", $"Pulling image \"{image}\"");
            var took = Timings.Pick(present ? Timings.CachedPullSeconds : Timings.FirstPullSeconds);
            await Delay(took, ct).ConfigureAwait(false);
            if (ImageReference.Exists(image))
            {
                kubelet.AddImage(image);
                var secs = GoDuration.Format(took);
                Event(c, "Normal", "Pulled",
                    $"Successfully pulled image \"{image}\" in {secs} ({secs} including waiting). Image size: {ImageReference.SizeBytes(image)} bytes.");
                return;
            }

            failures++;
            var reference = ImageReference.Normalize(image);
            var error = $"rpc error: code = NotFound desc = failed to pull and unpack image \"{reference}\": failed to resolve reference \"{reference}\": {reference}: not found";
            Event(c, "Warning", "Failed", $"Failed to pull image \"{image}\": {error}");
            Event(c, "Warning", "Failed", "Error: ErrImagePull");
            lock (gate) c.State = ContainerRecord.Waiting("ErrImagePull", error);
            await PublishAsync(ct).ConfigureAwait(false);
            await Delay(Timings.ErrImagePullToBackOff, ct).ConfigureAwait(false);

            var backOffMessage = $"Back-off pulling image \"{image}\"";
            Event(c, "Normal", "BackOff", backOffMessage);
            Event(c, "Warning", "Failed", "Error: ImagePullBackOff");
            lock (gate) c.State = ContainerRecord.Waiting("ImagePullBackOff", backOffMessage);
            await PublishAsync(ct).ConfigureAwait(false);
            await Delay(Timings.BackOff(failures), ct).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// The pod got a deletionTimestamp: stop its containers ("Killing"), report them terminated, then remove the pod
    /// for good with gracePeriodSeconds=0 – the kubelet's final delete – and give the IP back.
    /// </summary>
    public async Task TerminateAsync(CancellationToken stopping)
    {
        lock (gate)
        {
            if (Terminating) return;
            Terminating = true;
        }
        running.Cancel();
        try { await lifecycle.ConfigureAwait(false); } catch (Exception) { }
        List<Task> loops;
        lock (gate) loops = [.. sidecarLoops];
        await Task.WhenAll(loops).ConfigureAwait(false); // they only end quietly

        List<ContainerRecord> apps, sidecars;
        lock (gate)
        {
            apps = model.All.Where(c => c.Running && !c.IsSidecar).ToList();
            sidecars = model.Sidecars.Where(c => c.Running).ToList();
        }
        foreach (var c in apps.Concat(sidecars)) Event(c, "Normal", "Killing", $"Stopping container {c.Name}");
        try
        {
            var grace = TimeSpan.FromSeconds(pod.Metadata.DeletionGracePeriodSeconds ?? pod.Spec.TerminationGracePeriodSeconds ?? 30);
            await StopInOrderAsync(apps, sidecars, grace, stopping).ConfigureAwait(false);
            lock (gate)
            {
                foreach (var c in model.All) c.Ready = false;
                model.Terminating = true;
                model.SandboxReady = false;
            }
            await PublishAsync(stopping).ConfigureAwait(false);
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    await kubelet.Client.CoreV1.DeleteNamespacedPodAsync(PodName, Ns,
                        new V1DeleteOptions { GracePeriodSeconds = 0, Preconditions = new V1Preconditions { Uid = Uid } },
                        cancellationToken: stopping).ConfigureAwait(false);
                    break;
                }
                catch (Exception e) when (attempt < 20 && !stopping.IsCancellationRequested &&
                                          (e is HttpRequestException or OperationCanceledException ||
                                           e is HttpOperationException { Response.StatusCode: not (System.Net.HttpStatusCode.NotFound or System.Net.HttpStatusCode.Conflict) }))
                {
                    await Delay(TimeSpan.FromMilliseconds(100 * attempt), stopping).ConfigureAwait(false);
                }
            }
        }
        catch (Exception) { /* cancelled, already gone, re-created with another uid, or shutting down */ }
        finally
        {
            ReleaseIp();
        }
    }

    /// <summary>
    /// The kubelet's termination ordering (pkg/kubelet/kuberuntime/kuberuntime_termination_order.go): SIGTERM to the app
    /// containers, and once they have exited to the sidecars one at a time in reverse order of declaration; whatever still runs
    /// when the grace period (the deletion's gracePeriodSeconds, else spec.terminationGracePeriodSeconds) is over gets SIGKILL.
    /// A container whose turn comes late still gets the kubelet's minimum of 2 s. Each container is reported terminated with
    /// the time it exited. Stopping takes at least the modelled stop time.
    /// </summary>
    private async Task StopInOrderAsync(List<ContainerRecord> apps, List<ContainerRecord> sidecars, TimeSpan grace, CancellationToken stopping)
    {
        if (apps.Count + sidecars.Count == 0) return;
        var deadline = Now + grace;
        var minimum = Delay(Timings.Pick(Timings.StopSeconds), stopping);
        await StopTogetherAsync(apps, deadline, stopping).ConfigureAwait(false);
        for (var i = sidecars.Count - 1; i >= 0; i--)
        {
            var late = Now + TimeSpan.FromSeconds(2);
            await StopTogetherAsync([sidecars[i]], late > deadline ? late : deadline, stopping).ConfigureAwait(false);
            await PublishAsync(stopping).ConfigureAwait(false);
        }
        await minimum.ConfigureAwait(false);
    }

    /// <summary>SIGTERM to each, SIGKILL to those still running at <paramref name="deadline"/>; records each one's exit.</summary>
    private async Task StopTogetherAsync(List<ContainerRecord> containers, DateTime deadline, CancellationToken stopping)
    {
        if (containers.Count == 0) return;
        foreach (var c in containers) c.Instance?.Terminate();
        var exits = containers.Select(async c =>
        {
            var exited = c.Instance?.Exited ?? Task.FromResult(137);
            var left = deadline - Now;
            try { await exited.WaitAsync(left > TimeSpan.Zero ? left : TimeSpan.Zero, Time, stopping).ConfigureAwait(false); }
            catch (TimeoutException) { c.Instance?.Kill(); }
            var code = exited.IsCompletedSuccessfully ? exited.Result : 137;
            lock (gate)
            {
                if (!c.Running) return;
                c.State = new V1ContainerState
                {
                    Terminated = new V1ContainerStateTerminated
                    {
                        ExitCode = code, Reason = code == 0 ? "Completed" : "Error", StartedAt = c.State.Running.StartedAt, FinishedAt = Now, ContainerID = c.ContainerId,
                    },
                };
                c.Ready = false;
            }
        });
        await Task.WhenAll(exits).ConfigureAwait(false);
    }

    /// <summary>Stops the worker without touching the API (pod already removed, or the simulator is shutting down).</summary>
    public void Abandon()
    {
        running.Cancel();
        lock (gate)
            foreach (var c in model.All) c.Instance?.Kill();
        ReleaseIp();
    }

    /// <summary>The kubelet's container log endpoint for one container (pkg/kubelet validateContainerLogStatus).</summary>
    public ContainerLog GetLog(string container, bool previous)
    {
        lock (gate)
        {
            var c = model.All.FirstOrDefault(r => r.Name == container)
                ?? throw new KubeletException(400, $"container {container} is not valid for pod {PodName}");
            if (previous)
                return c.LastTerminatedLog ?? throw new KubeletException(400, $"previous terminated container \"{container}\" in pod \"{PodName}\" not found");
            if ((c.Running || c.Terminated) && c.Instance is { } current) return current.Log;
            // The two image-pull reasons get words of their own; any other reason is printed as it is.
            var waiting = c.State.Waiting?.Reason switch
            {
                "ErrImagePull" => "image can't be pulled",
                "ImagePullBackOff" => "trying and failing to pull image",
                var reason => reason ?? "ContainerCreating",
            };
            return c.LastTerminatedLog
                ?? throw new KubeletException(400, $"container \"{container}\" in pod \"{PodName}\" is waiting to start: {waiting}");
        }
    }

    /// <summary>CRI Exec into a running container of this pod.</summary>
    public Task<int> ExecAsync(string container, IReadOnlyList<string> command, IInputStream stdin, IOutputStream stdout, IOutputStream stderr, bool tty, CancellationToken ct)
    {
        ContainerInstance? instance;
        lock (gate)
        {
            var c = model.All.FirstOrDefault(r => r.Name == container)
                ?? throw new KubeletException(400, $"container {container} is not valid for pod {PodName}");
            instance = c.Running ? c.Instance : null;
        }
        if (instance is null) throw new KubeletException(404, $"container not found (\"{container}\")");
        return instance.ExecAsync(command, stdin, stdout, stderr, tty, ct);
    }

    private int ipReleased;

    /// <summary>Gives the pod IP back exactly once (a second release could free an address already reused by another pod).</summary>
    private void ReleaseIp()
    {
        string? ip;
        lock (gate) ip = model.PodIp;
        if (sandbox is not null) kubelet.DataPlane.Network.Detach(sandbox);
        if (ip is not null && Interlocked.Exchange(ref ipReleased, 1) == 0) kubelet.Ips.Release(ip);
    }

    /// <summary>
    /// Writes the whole current status through the pods/status subresource (a merge patch replaces the lists).
    /// Failures other than 404 (pod gone) are retried until they succeed, like the kubelet's status manager does:
    /// giving up would leave the pod's status stuck for ever.
    /// </summary>
    // The status last written: status_manager.go skips a status equal to the one it already sent ("Ignoring same status for pod").
    // Kept as a 128-bit XxHash of the text, not the text: 10,000 pods kept ~17 MB of status bodies (issue 7). Not SHA-256: nothing
    // here is adversarial, and hashing the UTF-16 text directly skips an encoding pass (SHA-256 was ~1 % of worker CPU).
    private UInt128? published;

    private async Task PublishAsync(CancellationToken ct)
    {
        await writeLock.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            for (var attempt = 1; ; attempt++)
            {
                string body;
                lock (gate) body = KubernetesJson.Serialize(new { status = model.ToStatus(Now) });
                var digest = System.IO.Hashing.XxHash128.HashToUInt128(System.Runtime.InteropServices.MemoryMarshal.AsBytes(body.AsSpan()));
                if (published == digest) return;
                try
                {
                    // The status manager keeps what it sent, not the answer: the patched pod is not decoded.
                    await RawApiRequest.WriteAsync(kubelet.Client, HttpMethod.Patch, $"api/v1/namespaces/{Ns}/pods/{PodName}/status", body,
                        "application/merge-patch+json", ct).ConfigureAwait(false);
                    published = digest;
                    return;
                }
                catch (HttpOperationException e) when (e.Response.StatusCode == System.Net.HttpStatusCode.NotFound) { throw; }
                catch (Exception e) when (e is HttpOperationException or HttpRequestException || (e is OperationCanceledException && !ct.IsCancellationRequested))
                {
                    await Delay(TimeSpan.FromMilliseconds(Math.Min(1000, 50 * attempt)), ct).ConfigureAwait(false);
                }
            }
        }
        finally { writeLock.Release(); }
    }
}
