using System.CommandLine;
using KubeLab.Runner;

namespace KubeLab.Cli.Commands;

/// <summary><c>kubelab up</c>: create the course's kind cluster when Docker and kind are available; otherwise explain what is missing.</summary>
internal static class UpCommand
{
    public static Command Create()
    {
        var command = new Command("up", $"Create the kind cluster '{KindCluster.ClusterName}' (needs Docker and kind).");
        command.SetAction((_, ct) => CommandErrors.Guard(() => RunAsync(ct)));
        return command;
    }

    private const string SimulatorNote = "Until then `kubelab run` uses the built-in simulated cluster (or pass `--cluster sim`).";

    private static async Task<int> RunAsync(CancellationToken ct)
    {
        var root = RepoRoot.Find(Environment.CurrentDirectory);
        var docker = ExternalTool.FindOnPath("docker") ?? throw new UserError(
            "Docker is not installed (no `docker` on PATH). Install Docker Engine (https://docs.docker.com/engine/install/) " +
            "or Docker Desktop, start it, then run `kubelab up` again. " + SimulatorNote);
        var info = await ExternalTool.RunAsync(docker, ["info", "--format", "{{.ServerVersion}}"], TimeSpan.FromSeconds(20), ct: ct);
        if (info.ExitCode != 0)
            throw new UserError(
                "Docker is installed but cannot reach a Docker engine (`docker info` failed" +
                (string.IsNullOrWhiteSpace(info.Error) ? ")" : $": {FirstLine(info.Error)})") +
                ". Start the Docker daemon / Docker Desktop and check that your user may use it, then run `kubelab up` again. " + SimulatorNote);
        var kind = ExternalTool.FindOnPath("kind") ?? throw new UserError(
            "kind is not installed (no `kind` on PATH). Install it (https://kind.sigs.k8s.io/docs/user/quick-start/#installation, " +
            "e.g. `go install sigs.k8s.io/kind@latest`), then run `kubelab up` again. " + SimulatorNote);

        var clusters = await ExternalTool.RunAsync(kind, ["get", "clusters"], TimeSpan.FromSeconds(30), ct: ct);
        if (clusters.Output.Split('\n', StringSplitOptions.TrimEntries).Contains(KindCluster.ClusterName))
        {
            Console.WriteLine($"kind cluster '{KindCluster.ClusterName}' already exists.");
        }
        else
        {
            var config = Path.Combine(root, "environment", "kind-cluster.yaml");
            if (!File.Exists(config))
                throw new UserError($"Missing cluster definition {config}.");
            Console.WriteLine($"Creating kind cluster '{KindCluster.ClusterName}' from {config} ...");
            var create = await ExternalTool.RunAsync(kind, ["create", "cluster", "--name", KindCluster.ClusterName, "--config", config],
                TimeSpan.FromMinutes(10), stream: true, ct: ct);
            if (create.ExitCode != 0)
                throw new UserError($"`kind create cluster` failed (exit code {create.ExitCode}); see its output above.", 1);
        }

        var kubeconfig = KindCluster.DefaultKubeconfigPath();
        if (!await KindCluster.IsReachableAsync(kubeconfig, TimeSpan.FromSeconds(10), ct))
            throw new UserError($"The cluster was created but context {KindCluster.ContextName} in {kubeconfig} does not answer yet. " +
                                "Wait a moment and check with `kubectl --context kind-k8s-course get nodes`.", 1);
        await InstallMetricsServerAsync(kubeconfig, ct);
        Console.WriteLine($"ready: context {KindCluster.ContextName} answers. `kubelab run` will use it.");
        return 0;
    }

    /// <summary>metrics-server (pinned release manifest + --kubelet-insecure-tls), then wait until `kubectl top nodes` answers.</summary>
    private static async Task InstallMetricsServerAsync(string kubeconfig, CancellationToken ct)
    {
        var kubectl = ExternalTool.FindOnPath("kubectl") ?? throw new UserError(
            "kubectl is not installed (no `kubectl` on PATH); it is needed to install metrics-server. Install kubectl " +
            "(https://kubernetes.io/docs/tasks/tools/) and run `kubelab up` again.", 1);
        var context = KindCluster.ContextName;
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

    private static string FirstLine(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault() ?? "";
}
