using k8s;
using k8s.Models;
using static KubeLab.Simulator.Tests.Controllers.PersistentVolume.StorageObjects;

namespace KubeLab.Simulator.Tests.Controllers.PersistentVolume;

/// <summary>
/// The persistentvolume-binder: static binding (smallest fitting volume of the class, access modes, selector), the events of a
/// claim nothing satisfies, Released / Retain / Delete and the protection finalizers.
/// </summary>
public class PersistentVolumeBinderTests(ClusterFixture f) : IClassFixture<ClusterFixture>
{
    private IKubernetes Client => f.Client;

    private Task<V1PersistentVolumeClaim> ClaimPhase(string ns, string name, string phase, double seconds = 15) =>
        ObservedState.Until(() => Client.CoreV1.ReadNamespacedPersistentVolumeClaimAsync(name, ns), c => c.Status?.Phase == phase, $"claim {name} {phase}", seconds);

    private Task<V1PersistentVolume> VolumePhase(string name, string phase) =>
        ObservedState.Until(() => Client.CoreV1.ReadPersistentVolumeAsync(name), v => v.Status?.Phase == phase, $"PV {name} {phase}");

    private Task<Corev1Event> EventFor(string ns, string reason) =>
        ObservedState.Until(async () => (await Client.CoreV1.ListNamespacedEventAsync(ns)).Items.FirstOrDefault(e => e.Reason == reason)!,
            e => e is not null, $"a {reason} event");

    /// <summary>Creates a PV and waits until it is Available: the binder looks at a Pending claim again only every 15 s.</summary>
    private async Task CreateVolumeAsync(V1PersistentVolume pv)
    {
        await Client.CoreV1.CreatePersistentVolumeAsync(pv);
        await VolumePhase(pv.Metadata.Name, "Available");
    }

    private async Task<bool> VolumeExists(string name) => (await Client.CoreV1.ListPersistentVolumeAsync()).Items.Any(v => v.Metadata.Name == name);

    [Fact]
    public async Task A_claim_binds_the_smallest_available_volume_of_its_class_that_is_big_enough()
    {
        var ns = await f.NewNamespaceAsync("bind");
        foreach (var (n, size) in new[] { ("1g", "1Gi"), ("5g", "5Gi"), ("10g", "10Gi") })
            await CreateVolumeAsync(HostPathVolume($"{ns}-{n}", size, className: ns));
        await CreateVolumeAsync(HostPathVolume($"{ns}-other", "3Gi", className: "other-" + ns));
        var pv = await VolumePhase($"{ns}-5g", "Available");
        Assert.Contains("kubernetes.io/pv-protection", pv.Metadata.Finalizers);

        var created = await Client.CoreV1.CreateNamespacedPersistentVolumeClaimAsync(Claim("data", "3Gi", ns), ns);
        Assert.Contains("kubernetes.io/pvc-protection", created.Metadata.Finalizers);
        var claim = await ClaimPhase(ns, "data", "Bound");
        Assert.Equal($"{ns}-5g", claim.Spec.VolumeName);
        Assert.Equal("5Gi", claim.Status.Capacity["storage"].ToString());
        Assert.Equal("yes", claim.Metadata.Annotations["pv.kubernetes.io/bind-completed"]);
        Assert.Equal("yes", claim.Metadata.Annotations["pv.kubernetes.io/bound-by-controller"]);
        var bound = await VolumePhase($"{ns}-5g", "Bound");
        Assert.Equal((ns, "data", claim.Metadata.Uid), (bound.Spec.ClaimRef.NamespaceProperty, bound.Spec.ClaimRef.Name, bound.Spec.ClaimRef.Uid));
        Assert.Equal("yes", bound.Metadata.Annotations["pv.kubernetes.io/bound-by-controller"]);
        Assert.Equal("Available", (await Client.CoreV1.ReadPersistentVolumeAsync($"{ns}-10g")).Status.Phase);
    }

    [Fact]
    public async Task Access_modes_and_the_selector_narrow_the_candidates()
    {
        var ns = await f.NewNamespaceAsync("bind");
        await CreateVolumeAsync(HostPathVolume($"{ns}-rwo", "1Gi", className: ns));
        await CreateVolumeAsync(HostPathVolume($"{ns}-rwx", "8Gi", className: ns, modes: ["ReadWriteMany", "ReadWriteOnce"]));
        await CreateVolumeAsync(HostPathVolume($"{ns}-fast", "2Gi", className: ns, labels: new Dictionary<string, string> { ["tier"] = "fast" }));

        await Client.CoreV1.CreateNamespacedPersistentVolumeClaimAsync(Claim("shared", "1Gi", ns, ["ReadWriteMany"]), ns);
        await Client.CoreV1.CreateNamespacedPersistentVolumeClaimAsync(Claim("fast", "1Gi", ns,
            selector: new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["tier"] = "fast" } }), ns);
        Assert.Equal($"{ns}-rwx", (await ClaimPhase(ns, "shared", "Bound")).Spec.VolumeName);
        Assert.Equal($"{ns}-fast", (await ClaimPhase(ns, "fast", "Bound")).Spec.VolumeName);
    }

    [Fact]
    public async Task A_claim_nothing_satisfies_stays_Pending_and_the_event_says_why()
    {
        var ns = await f.NewNamespaceAsync("bind");
        await Client.CoreV1.CreateNamespacedPersistentVolumeClaimAsync(Claim("huge", "500Gi", "manual-" + ns), ns);
        await Client.CoreV1.CreateNamespacedPersistentVolumeClaimAsync(Claim("noclass", "1Gi", ""), ns);
        var missingClass = await EventFor(ns, "ProvisioningFailed");
        Assert.Equal(("Warning", $"storageclass.storage.k8s.io \"manual-{ns}\" not found", "persistentvolume-controller"),
            (missingClass.Type, missingClass.Message, missingClass.Source.Component));
        var noClass = await EventFor(ns, "FailedBinding");
        Assert.Equal(("Normal", "noclass", "no persistent volumes available for this claim and no storage class is set"),
            (noClass.Type, noClass.InvolvedObject.Name, noClass.Message));
        Assert.Equal("Pending", (await Client.CoreV1.ReadNamespacedPersistentVolumeClaimAsync("huge", ns)).Status.Phase);
    }

    [Fact]
    public async Task Retain_keeps_a_Released_volume_with_its_claimRef_until_the_claimRef_is_cleared()
    {
        var ns = await f.NewNamespaceAsync("reclaim");
        var name = $"{ns}-keep";
        await CreateVolumeAsync(HostPathVolume(name, "1Gi", className: ns, reclaim: "Retain"));
        await Client.CoreV1.CreateNamespacedPersistentVolumeClaimAsync(Claim("data", "1Gi", ns), ns);
        await ClaimPhase(ns, "data", "Bound");
        await Client.CoreV1.DeleteNamespacedPersistentVolumeClaimAsync("data", ns);
        var released = await VolumePhase(name, "Released");
        Assert.Equal("data", released.Spec.ClaimRef.Name);

        // A new claim does not get it back: a Released volume is not Available.
        await Client.CoreV1.CreateNamespacedPersistentVolumeClaimAsync(Claim("again", "1Gi", ns), ns);
        await EventFor(ns, "ProvisioningFailed");
        Assert.Equal("Released", (await Client.CoreV1.ReadPersistentVolumeAsync(name)).Status.Phase);

        await Client.CoreV1.PatchPersistentVolumeAsync(new V1Patch("{\"spec\":{\"claimRef\":null}}", V1Patch.PatchType.MergePatch), name);
        // The binder finds it at its next periodic look at the Pending claim (every 15 s).
        Assert.Equal(name, (await ClaimPhase(ns, "again", "Bound", seconds: 40)).Spec.VolumeName);
    }

    [Fact]
    public async Task Delete_of_a_static_hostPath_volume_outside_tmp_fails_with_the_deleters_message()
    {
        var ns = await f.NewNamespaceAsync("reclaim");
        await CreateVolumeAsync(HostPathVolume($"{ns}-data", "1Gi", className: ns + "-a", path: "/data/x", reclaim: "Delete"));
        await CreateVolumeAsync(HostPathVolume($"{ns}-tmp", "1Gi", className: ns + "-b", path: "/tmp/x", reclaim: "Delete"));
        await Client.CoreV1.CreateNamespacedPersistentVolumeClaimAsync(Claim("a", "1Gi", ns + "-a"), ns);
        await Client.CoreV1.CreateNamespacedPersistentVolumeClaimAsync(Claim("b", "1Gi", ns + "-b"), ns);
        await ClaimPhase(ns, "a", "Bound");
        await ClaimPhase(ns, "b", "Bound");
        await Client.CoreV1.DeleteNamespacedPersistentVolumeClaimAsync("a", ns);
        await Client.CoreV1.DeleteNamespacedPersistentVolumeClaimAsync("b", ns);

        var failed = await VolumePhase($"{ns}-data", "Failed");
        Assert.Equal("host_path deleter only supports /tmp/.+ but received provided /data/x", failed.Status.Message);
        await ObservedState.Until(() => VolumeExists($"{ns}-tmp"), exists => !exists, "the /tmp volume deleted");
    }

    [Fact]
    public async Task A_claim_in_use_is_deleted_only_when_its_pod_goes()
    {
        var ns = await f.NewNamespaceAsync("protect");
        await Client.CoreV1.CreateNamespacedPersistentVolumeClaimAsync(Claim("data"), ns);
        await Client.CoreV1.CreateNamespacedPodAsync(PodUsing("user", "data"), ns);
        await ClaimPhase(ns, "data", "Bound");
        await ObservedState.Until(() => Client.CoreV1.ReadNamespacedPodAsync("user", ns), p => p.Status?.Phase == "Running", "pod Running");

        await Client.CoreV1.DeleteNamespacedPersistentVolumeClaimAsync("data", ns);
        await Task.Delay(500);
        var terminating = await Client.CoreV1.ReadNamespacedPersistentVolumeClaimAsync("data", ns);
        Assert.NotNull(terminating.Metadata.DeletionTimestamp);
        Assert.Equal(["kubernetes.io/pvc-protection"], terminating.Metadata.Finalizers);
        var table = await f.KubectlOkAsync("get", "pvc", "data", "-n", ns, "--no-headers");
        Assert.Contains("Terminating", table.Stdout);

        await Client.CoreV1.DeleteNamespacedPodAsync("user", ns, gracePeriodSeconds: 0);
        await ObservedState.Until(async () => (await Client.CoreV1.ListNamespacedPersistentVolumeClaimAsync(ns)).Items.Count, n => n == 0, "the claim gone");
        // Its dynamically provisioned volume (reclaimPolicy Delete) goes with it.
        await ObservedState.Until(() => VolumeExists($"pvc-{terminating.Metadata.Uid}"), exists => !exists, "the PV deleted");
    }

    [Fact]
    public async Task A_bound_claim_whose_volume_disappears_is_Lost()
    {
        var ns = await f.NewNamespaceAsync("lost");
        var name = $"{ns}-gone";
        await CreateVolumeAsync(HostPathVolume(name, "1Gi", className: ns));
        await Client.CoreV1.CreateNamespacedPersistentVolumeClaimAsync(Claim("data", "1Gi", ns), ns);
        await ClaimPhase(ns, "data", "Bound");
        await Client.CoreV1.DeletePersistentVolumeAsync(name);
        await Task.Delay(300);
        Assert.Equal("Bound", (await Client.CoreV1.ReadPersistentVolumeAsync(name)).Status.Phase); // pv-protection holds a Bound volume
        await Client.CoreV1.PatchPersistentVolumeAsync(new V1Patch("{\"metadata\":{\"finalizers\":null}}", V1Patch.PatchType.MergePatch), name);
        await ClaimPhase(ns, "data", "Lost");
        var lost = await EventFor(ns, "ClaimLost");
        Assert.Equal("Bound claim has lost its PersistentVolume. Data on the volume is lost!", lost.Message);
    }
}
