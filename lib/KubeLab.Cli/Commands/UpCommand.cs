using System.CommandLine;
using KubeLab.Runner;

namespace KubeLab.Cli.Commands;

/// <summary>
/// <c>kubelab up</c>: make the course's kind cluster ready for every chapter — check the tools (Docker engine, kind v0.25.x,
/// kubectl), create the cluster or verify the existing one (1 control-plane + 2 workers on v1.32, Ready), copy the course's
/// images into the nodes, install metrics-server, start cloud-provider-kind beside it (LoadBalancer Services). Each step is an external command whose argument list comes from
/// KubeLab.Runner (tested there); tests drive this command with fake docker/kind/kubectl executables on PATH.
/// </summary>
internal static class UpCommand
{
    public static Command Create()
    {
        var skipImages = new Option<bool>("--skip-images")
        {
            Description = $"Do not pull the course's images ({CourseImages.ListFile}) on the host and load them into the nodes; " +
                          "each node then pulls what a chapter needs itself.",
        };
        var command = new Command("up",
            $"Create (or check) the kind cluster '{KindCluster.ClusterName}', load the course's images into it, install metrics-server and start cloud-provider-kind " +
            "(needs Docker, kind v0.25.x and kubectl 1.32).") { skipImages };
        command.SetAction((parse, ct) => CommandErrors.Guard(() => RunAsync(parse.GetValue(skipImages), ct)));
        return command;
    }

    private const string SimulatorNote = "Until then `kubelab run` uses the built-in simulated cluster (or pass `--cluster sim`).";

    private static async Task<int> RunAsync(bool skipImages, CancellationToken ct)
    {
        var root = RepoRoot.Find(Environment.CurrentDirectory);
        var docker = await RequireDockerAsync(ct);
        var kind = await RequireKindAsync(ct);
        var kubectl = ExternalTool.FindOnPath("kubectl") ?? throw new UserError(
            "kubectl is not installed (no `kubectl` on PATH); `kubelab up` needs it to check the nodes and install metrics-server. " +
            "Install kubectl 1.32 (https://kubernetes.io/docs/tasks/tools/), then run `kubelab up` again. " + SimulatorNote);

        var kubeconfig = KindCluster.DefaultKubeconfigPath();
        var context = KindCluster.ContextName;
        var clusters = await ExternalTool.RunAsync(kind, ["get", "clusters"], TimeSpan.FromSeconds(30), ct: ct);
        var existed = KindCluster.ListsCourseCluster(clusters.Output);
        if (existed)
        {
            Console.WriteLine($"kind cluster '{KindCluster.ClusterName}' already exists; checking its nodes ...");
        }
        else
        {
            var config = Path.Combine(root, "environment", "kind-cluster.yaml");
            if (!File.Exists(config))
                throw new UserError($"Missing cluster definition {config}.");
            Console.WriteLine($"Creating kind cluster '{KindCluster.ClusterName}' from {config} (first run: kind pulls its ~1 GB node image) ...");
            // From the repository root: the config's extraMounts name environment/encryption relative to where kind runs.
            var create = await ExternalTool.RunAsync(kind, KindCluster.CreateArgs(config), TimeSpan.FromMinutes(15), stream: true, ct: ct, workingDirectory: root);
            if (create.ExitCode != 0)
                throw new UserError($"`kind create cluster` failed (exit code {create.ExitCode}); see its output above.", 1);
        }

        await CheckNodesAsync(kubectl, kubeconfig, context, existed, ct);
        if (skipImages)
            Console.WriteLine("--skip-images: the course's images are not preloaded; each node pulls them when a chapter first needs them.");
        else
            await LoadImagesAsync(docker, kind, root, ct);
        await InstallMetricsServerAsync(kubectl, kubeconfig, context, ct);
        await StartCloudProviderAsync(docker, ct);
        Console.WriteLine($"ready: context {context} answers. `kubelab run` will use it.");
        return 0;
    }

    private static async Task<string> RequireDockerAsync(CancellationToken ct)
    {
        var docker = ExternalTool.FindOnPath("docker") ?? throw new UserError(
            "Docker is not installed (no `docker` on PATH). Install Docker Engine (https://docs.docker.com/engine/install/) " +
            "or Docker Desktop, start it, then run `kubelab up` again. " + SimulatorNote);
        var info = await ExternalTool.RunAsync(docker, ["info", "--format", "{{.ServerVersion}}"], TimeSpan.FromSeconds(20), ct: ct);
        if (info.ExitCode != 0)
            throw new UserError(
                "Docker is installed but cannot reach a Docker engine (`docker info` failed" +
                (string.IsNullOrWhiteSpace(info.Error) ? ")" : $": {FirstLine(info.Error)})") +
                ". Start the Docker daemon / Docker Desktop and check that your user may use it, then run `kubelab up` again. " + SimulatorNote);
        return docker;
    }

    private static async Task<string> RequireKindAsync(CancellationToken ct)
    {
        var kind = ExternalTool.FindOnPath("kind") ?? throw new UserError(
            "kind is not installed (no `kind` on PATH). " + KindVersionCheck.InstallHint + " Then run `kubelab up` again. " + SimulatorNote);
        var version = await ExternalTool.RunAsync(kind, ["version"], TimeSpan.FromSeconds(20), ct: ct);
        var output = version.Output.Trim().Length > 0 ? version.Output : version.Error;
        var verdict = KindVersionCheck.Judge(KindVersionCheck.Parse(output));
        var message = KindVersionCheck.Message(verdict, output);
        if (verdict == KindVersionVerdict.TooOld)
            throw new UserError(message! + " " + SimulatorNote);
        if (message is not null)
            ConsoleOutput.Error(message);
        else
            Console.WriteLine($"kind: {output.Trim()}");
        return kind;
    }

    /// <summary>The cluster answers, has the course's shape and version, and every node is Ready (waiting up to 2 minutes).</summary>
    private static async Task CheckNodesAsync(string kubectl, string kubeconfig, string context, bool existed, CancellationToken ct)
    {
        var get = await ExternalTool.RunAsync(kubectl, KindNodeCheck.GetNodesArgs(kubeconfig, context), TimeSpan.FromSeconds(30), ct: ct);
        if (get.ExitCode != 0)
            throw new UserError($"The kind cluster exists but context {context} in {kubeconfig} does not answer: {FirstLine(get.Error)}. " +
                                "If Docker was restarted, its node containers may be stopped (`docker ps -a`). " + KindNodeCheck.RecreateHint, 1);
        KindNodeReport report;
        try { report = KindNodeCheck.Check(KindNodeCheck.Parse(get.Output)); }
        catch (FormatException e) { throw new UserError($"`kubectl get nodes -o json` printed something unexpected ({e.Message}).", 1); }
        if (!report.ShapeOk)
            throw new UserError($"The kind cluster '{KindCluster.ClusterName}' is not the course's cluster: {string.Join("; ", report.Problems)}. " +
                                $"Nodes: {KindNodeCheck.Describe(report.Nodes)}. " + KindNodeCheck.RecreateHint, 1);
        if (report.NotReady.Count > 0)
        {
            Console.WriteLine($"waiting for node(s) {string.Join(", ", report.NotReady.Select(n => n.Name))} to become Ready ...");
            var wait = await ExternalTool.RunAsync(kubectl, KindNodeCheck.WaitReadyArgs(kubeconfig, context, TimeSpan.FromMinutes(2)),
                TimeSpan.FromMinutes(3), ct: ct);
            if (wait.ExitCode != 0)
                throw new UserError($"Node(s) {string.Join(", ", report.NotReady.Select(n => n.Name))} did not become Ready within 2 minutes " +
                                    $"({FirstLine(wait.Error)}). Look at `kubectl describe node` for the reason" +
                                    (existed ? "; " + KindNodeCheck.RecreateHint : "."), 1);
        }
        Console.WriteLine($"nodes: {KindNodeCheck.Describe(report.Nodes.Select(n => n with { Ready = true }))}");
    }

    /// <summary>Pull once on the host, load into every node. A failure here is a warning: the nodes can still pull for themselves.</summary>
    private static async Task LoadImagesAsync(string docker, string kind, string root, CancellationToken ct)
    {
        var images = CourseImages.Load(root);
        Console.WriteLine($"Loading the course's {images.Count} images ({CourseImages.ListFile}) into the nodes: `docker pull` once on this " +
                          $"machine, then `kind load docker-image`, so the nodes do not each pull from Docker Hub (skip with --skip-images) ...");
        var failed = new List<string>();
        foreach (var image in images)
        {
            var pull = await ExternalTool.RunAsync(docker, CourseImages.PullArgs(image), TimeSpan.FromMinutes(10), ct: ct);
            if (pull.ExitCode != 0)
            {
                ConsoleOutput.Error($"warning: `docker pull {image}` failed: {FirstLine(pull.Error)}");
                failed.Add(image);
                continue;
            }
            var load = await ExternalTool.RunAsync(kind, CourseImages.LoadArgs(image), TimeSpan.FromMinutes(5), ct: ct);
            if (load.ExitCode != 0 && CourseImages.IsMissingPlatformContent(load.Error + load.Output))
                load = await LoadSinglePlatformAsync(docker, kind, image, ct);
            if (load.ExitCode != 0)
            {
                ConsoleOutput.Error($"warning: `kind load docker-image {image}` failed: {FirstLine(load.Error)}");
                failed.Add(image);
                continue;
            }
            Console.WriteLine($"  {image}: loaded");
        }
        if (failed.Count > 0)
            ConsoleOutput.Error($"warning: {failed.Count} image(s) were not preloaded ({string.Join(", ", failed)}); the nodes will pull them " +
                                "from their registries when a chapter needs them (slower, and counted against Docker Hub's pull limit).");
    }

    private static async Task<ExternalTool.Result> LoadSinglePlatformAsync(string docker, string kind, string image, CancellationToken ct)
    {
        var archive = Path.Combine(Path.GetTempPath(), $"kubelab-image-{Guid.NewGuid():N}.tar");
        try
        {
            var save = await ExternalTool.RunAsync(docker, CourseImages.SaveArgs(image, archive, CourseImages.HostPlatform()), TimeSpan.FromMinutes(5), ct: ct);
            if (save.ExitCode != 0)
                return save;
            return await ExternalTool.RunAsync(kind, CourseImages.LoadArchiveArgs(archive), TimeSpan.FromMinutes(5), ct: ct);
        }
        finally
        {
            File.Delete(archive);
        }
    }

    /// <summary>metrics-server (pinned release manifest + --kubelet-insecure-tls), then wait until `kubectl top nodes` answers.</summary>
    private static async Task InstallMetricsServerAsync(string kubectl, string kubeconfig, string context, CancellationToken ct)
    {
        Console.WriteLine($"Installing metrics-server {MetricsServerAddon.Version} from {MetricsServerAddon.ManifestUrl} ...");
        var apply = await ExternalTool.RunAsync(kubectl, MetricsServerAddon.ApplyArgs(kubeconfig, context), TimeSpan.FromMinutes(2), ct: ct);
        if (apply.ExitCode != 0)
            throw new UserError($"Applying the metrics-server manifest failed: {FirstLine(apply.Error)}. Check the internet connection " +
                                $"(the manifest is downloaded from {MetricsServerAddon.ManifestUrl}) and run `kubelab up` again.", 1);
        var args = await ExternalTool.RunAsync(kubectl, MetricsServerAddon.ReadArgsArgs(kubeconfig, context), TimeSpan.FromSeconds(30), ct: ct);
        if (args.ExitCode == 0 && MetricsServerAddon.NeedsPatch(args.Output))
        {
            var patch = await ExternalTool.RunAsync(kubectl, MetricsServerAddon.PatchArgs(kubeconfig, context), TimeSpan.FromSeconds(30), ct: ct);
            if (patch.ExitCode != 0)
                throw new UserError($"Adding {MetricsServerAddon.InsecureTlsFlag} to metrics-server failed: {FirstLine(patch.Error)}", 1);
        }
        var rollout = await ExternalTool.RunAsync(kubectl, MetricsServerAddon.RolloutStatusArgs(kubeconfig, context), TimeSpan.FromMinutes(4), stream: true, ct: ct);
        if (rollout.ExitCode != 0)
            throw new UserError("metrics-server did not become ready. Look at `kubectl -n kube-system logs deploy/metrics-server` " +
                                "(kubelet certificate errors mean the --kubelet-insecure-tls patch is missing).", 1);
        // The API is registered (APIService v1beta1.metrics.k8s.io) and has data only after the first scrapes.
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while (true)
        {
            var top = await ExternalTool.RunAsync(kubectl, MetricsServerAddon.TopNodesArgs(kubeconfig, context), TimeSpan.FromSeconds(30), ct: ct);
            if (top.ExitCode == 0) { Console.WriteLine("metrics-server answers: `kubectl top nodes` works."); return; }
            if (DateTime.UtcNow > deadline)
                throw new UserError($"metrics-server runs but `kubectl top nodes` still fails: {FirstLine(top.Error)}. " +
                                    "Check `kubectl get apiservice v1beta1.metrics.k8s.io` and the metrics-server logs.", 1);
            await Task.Delay(TimeSpan.FromSeconds(5), ct);
        }
    }

    /// <summary>cloud-provider-kind beside the cluster; a failure is a warning (only LoadBalancer Services need it).</summary>
    private static async Task StartCloudProviderAsync(string docker, CancellationToken ct)
    {
        var inspect = await ExternalTool.RunAsync(docker, CloudProviderKindAddon.InspectArgs(), TimeSpan.FromSeconds(30), ct: ct);
        var action = CloudProviderKindAddon.Decide(inspect.ExitCode == 0 ? inspect.Output : "");
        if (action == CloudProviderAction.KeepRunning)
        {
            Console.WriteLine($"cloud-provider-kind {CloudProviderKindAddon.Version} is running (container {CloudProviderKindAddon.ContainerName}).");
            return;
        }
        if (action == CloudProviderAction.Replace)
            await ExternalTool.RunAsync(docker, CloudProviderKindAddon.RemoveArgs(), TimeSpan.FromSeconds(30), ct: ct);
        Console.WriteLine($"Starting cloud-provider-kind {CloudProviderKindAddon.Version} (container {CloudProviderKindAddon.ContainerName} on the " +
                          "docker network kind), so LoadBalancer Services get an EXTERNAL-IP ...");
        var run = await ExternalTool.RunAsync(docker, CloudProviderKindAddon.RunArgs(), TimeSpan.FromMinutes(5), ct: ct);
        if (run.ExitCode != 0)
            ConsoleOutput.Error($"warning: starting cloud-provider-kind failed: {FirstLine(run.Error)}. Everything but LoadBalancer Services " +
                                "works; their EXTERNAL-IP stays <pending> (chapter 08 explains why). Run `kubelab up` again to retry.");
    }

    private static string FirstLine(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault() ?? "";
}
