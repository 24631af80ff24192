using System.Diagnostics;
using k8s;
using k8s.Models;

namespace KubeLab.Cli.Commands;

/// <summary>
/// The Deployment half of <c>kubelab bench</c>: create an N-replica Deployment and wait until all are available, then change
/// its image and wait until the rollout is complete by the same rule <c>kubectl rollout status</c> uses.
/// </summary>
internal static class DeploymentRolloutBench
{
    public const string DefaultNamespace = "kubelab-bench-deploy";
    private const string Name = "bench";

    public static async Task<(TimeSpan Created, TimeSpan RolledOut)> RunAsync(IKubernetes client, int replicas, CancellationToken ct,
        string ns = DefaultNamespace)
    {
        var created = await CreateAsync(client, replicas, ns, ct);
        var clock = Stopwatch.StartNew();
        var patch = new V1Patch("""{"spec":{"template":{"spec":{"containers":[{"name":"web","image":"nginx:1.27.1"}]}}}}""",
            V1Patch.PatchType.StrategicMergePatch);
        await client.AppsV1.PatchNamespacedDeploymentAsync(patch, Name, ns, cancellationToken: ct);
        await WaitUntilCompleteAsync(client, replicas, ns, ct);
        return (created, clock.Elapsed);
    }

    /// <summary>Creates the namespace and an N-replica nginx Deployment; returns the time until all replicas are available.</summary>
    public static async Task<TimeSpan> CreateAsync(IKubernetes client, int replicas, string ns, CancellationToken ct)
    {
        await client.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = ns } }, cancellationToken: ct);
        var labels = new Dictionary<string, string> { ["app"] = Name };
        var deployment = new V1Deployment
        {
            Metadata = new V1ObjectMeta { Name = Name },
            Spec = new V1DeploymentSpec
            {
                Replicas = replicas,
                Selector = new V1LabelSelector { MatchLabels = labels },
                Template = new V1PodTemplateSpec
                {
                    Metadata = new V1ObjectMeta { Labels = labels },
                    Spec = new V1PodSpec { Containers = [new V1Container { Name = "web", Image = "nginx:1.27.0" }] },
                },
            },
        };

        var clock = Stopwatch.StartNew();
        await client.AppsV1.CreateNamespacedDeploymentAsync(deployment, ns, cancellationToken: ct);
        await WaitUntilCompleteAsync(client, replicas, ns, ct);
        return clock.Elapsed;
    }

    /// <summary>kubectl's rule: the controller has seen the latest generation and every replica is updated and available.</summary>
    private static bool IsComplete(V1Deployment d, int replicas) =>
        d.Status is { } s && s.ObservedGeneration >= d.Metadata.Generation &&
        s.UpdatedReplicas == replicas && s.Replicas == replicas && s.AvailableReplicas == replicas;

    private static async Task WaitUntilCompleteAsync(IKubernetes client, int replicas, string ns, CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromMinutes(10));
        try
        {
            while (true)
            {
                var list = await client.AppsV1.ListNamespacedDeploymentAsync(ns, fieldSelector: $"metadata.name={Name}", cancellationToken: timeout.Token);
                if (list.Items.FirstOrDefault() is { } current && IsComplete(current, replicas)) return;
                await foreach (var (_, item) in client.AppsV1.WatchListNamespacedDeploymentAsync(
                                   ns, fieldSelector: $"metadata.name={Name}", resourceVersion: list.Metadata.ResourceVersion,
                                   timeoutSeconds: 60, cancellationToken: timeout.Token))
                {
                    if (IsComplete(item, replicas)) return;
                }
            }
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new UserError($"The {replicas}-replica Deployment did not finish its rollout within 10 minutes on the simulator.", 1);
        }
    }
}
