using k8s;
using k8s.Models;
using static KubeLab.Simulator.Tests.Controllers.PersistentVolume.StorageObjects;

namespace KubeLab.Simulator.Tests.Storage;

/// <summary>kind's local-path provisioner: what it refuses (with its words), and data that outlives the pod on its node.</summary>
public class LocalPathProvisionerTests(ClusterFixture f) : IClassFixture<ClusterFixture>
{
    private IKubernetes Client => f.Client;

    private Task<Corev1Event> EventFor(string ns, string claim, string reason, string? containing = null) =>
        ObservedState.Until(async () => (await Client.CoreV1.ListNamespacedEventAsync(ns)).Items.FirstOrDefault(e => e.Reason == reason && e.InvolvedObject.Name == claim &&
                (containing is null || e.Message.Contains(containing, StringComparison.Ordinal)))!,
            e => e is not null, $"a {reason} event for {claim}", seconds: 20);

    [Fact]
    public async Task An_Immediate_local_path_class_fails_because_no_node_was_selected()
    {
        var ns = await f.NewNamespaceAsync("lp");
        var className = "immediate-" + ns;
        await Client.StorageV1.CreateStorageClassAsync(new V1StorageClass
        {
            Metadata = new V1ObjectMeta { Name = className }, Provisioner = "rancher.io/local-path", VolumeBindingMode = "Immediate",
        });
        try
        {
            await Client.CoreV1.CreateNamespacedPersistentVolumeClaimAsync(Claim("now", "1Gi", className), ns);
            var external = await EventFor(ns, "now", "ExternalProvisioning");
            Assert.StartsWith("Waiting for a volume to be created either by the external provisioner 'rancher.io/local-path'", external.Message);
            // The PV controller's informer may not have the new class yet and first says `storageclass … not found`, as upstream can.
            var failed = await EventFor(ns, "now", "ProvisioningFailed", containing: "no node was specified");
            Assert.Equal($"failed to provision volume with StorageClass \"{className}\": configuration error, no node was specified", failed.Message);
            Assert.Equal("Warning", failed.Type);
            var claim = await Client.CoreV1.ReadNamespacedPersistentVolumeClaimAsync("now", ns);
            Assert.Equal("Pending", claim.Status.Phase);
            Assert.Equal("rancher.io/local-path", claim.Metadata.Annotations["volume.kubernetes.io/storage-provisioner"]);
        }
        finally { await Client.StorageV1.DeleteStorageClassAsync(className); }
    }

    [Fact]
    public async Task ReadWriteMany_is_refused_by_local_path_and_the_pod_waits_unbound()
    {
        var ns = await f.NewNamespaceAsync("lp");
        await Client.CoreV1.CreateNamespacedPersistentVolumeClaimAsync(Claim("shared", "1Gi", modes: ["ReadWriteMany"]), ns);
        await Client.CoreV1.CreateNamespacedPodAsync(PodUsing("user", "shared"), ns);
        var failed = await EventFor(ns, "shared", "ProvisioningFailed");
        Assert.Equal("failed to provision volume with StorageClass \"standard\": NodePath only supports ReadWriteOnce and ReadWriteOncePod (1.22+) access modes", failed.Message);
        var claim = await Client.CoreV1.ReadNamespacedPersistentVolumeClaimAsync("shared", ns);
        Assert.False(string.IsNullOrEmpty(claim.Metadata.Annotations["volume.kubernetes.io/selected-node"]));
        Assert.True(string.IsNullOrEmpty((await Client.CoreV1.ReadNamespacedPodAsync("user", ns)).Spec.NodeName)); // PreBind still waits
    }

    [Fact]
    public async Task Data_written_to_a_claim_is_read_by_the_replacement_pod_on_the_same_node()
    {
        var ns = await f.NewNamespaceAsync("lp");
        await Client.CoreV1.CreateNamespacedPersistentVolumeClaimAsync(Claim("data"), ns);
        await Client.CoreV1.CreateNamespacedPodAsync(PodUsing("writer", "data"), ns);
        var first = await ObservedState.Until(() => Client.CoreV1.ReadNamespacedPodAsync("writer", ns), p => p.Status?.Phase == "Running", "writer Running", 20);
        // The fixture appends --kubeconfig last; after "--" it becomes sh's $0, so it goes before "--" too.
        await f.KubectlOkAsync("exec", "-n", ns, "writer", "--kubeconfig=" + f.KubeconfigPath, "--", "sh", "-c", "echo kept > /data/note.txt");
        await Client.CoreV1.DeleteNamespacedPodAsync("writer", ns, gracePeriodSeconds: 0);
        await ObservedState.Until(async () => (await Client.CoreV1.ListNamespacedPodAsync(ns)).Items.Count, n => n == 0, "writer gone");

        await Client.CoreV1.CreateNamespacedPodAsync(PodUsing("reader", "data"), ns);
        var second = await ObservedState.Until(() => Client.CoreV1.ReadNamespacedPodAsync("reader", ns), p => p.Status?.Phase == "Running", "reader Running", 20);
        Assert.Equal(first.Spec.NodeName, second.Spec.NodeName);
        var read = await f.KubectlOkAsync("exec", "-n", ns, "reader", "--kubeconfig=" + f.KubeconfigPath, "--", "sh", "-c", "cat /data/note.txt");
        Assert.Equal("kept", read.Stdout.Trim());
    }
}
