using k8s;
using k8s.Models;
using static KubeLab.Simulator.Tests.Controllers.PersistentVolume.StorageObjects;

namespace KubeLab.Simulator.Tests.Api;

/// <summary>PVC / PV / StorageClass validation and the PersistentVolumeClaimResize admission plugin, in kube-apiserver's words.</summary>
public class PersistentVolumeValidationTests(ClusterFixture f) : IClassFixture<ClusterFixture>
{
    private IKubernetes Client => f.Client;

    private static string Message(k8s.Autorest.HttpOperationException e) => e.StatusBody()["message"]!.ToString();

    [Fact]
    public async Task A_claim_without_a_size_or_access_mode_is_invalid()
    {
        var ns = await f.NewNamespaceAsync("val");
        var claim = Claim("bad");
        claim.Spec.Resources = null;
        claim.Spec.AccessModes = null;
        var e = await Objects.Fails(() => Client.CoreV1.CreateNamespacedPersistentVolumeClaimAsync(claim, ns));
        Assert.Equal("PersistentVolumeClaim \"bad\" is invalid: [spec.accessModes: Required value: at least 1 access mode is required, spec.resources[storage]: Required value]", Message(e));
    }

    [Fact]
    public async Task ReadWriteOncePod_cannot_be_combined_with_other_modes()
    {
        var ns = await f.NewNamespaceAsync("val");
        var e = await Objects.Fails(() => Client.CoreV1.CreateNamespacedPersistentVolumeClaimAsync(Claim("mix", modes: ["ReadWriteOncePod", "ReadWriteOnce"]), ns));
        Assert.Equal("PersistentVolumeClaim \"mix\" is invalid: spec.accessModes: Forbidden: may not use ReadWriteOncePod with other access modes", Message(e));
    }

    [Fact]
    public async Task Expanding_a_bound_claim_of_a_class_without_allowVolumeExpansion_is_forbidden()
    {
        var ns = await f.NewNamespaceAsync("val");
        await Client.CoreV1.CreateNamespacedPersistentVolumeClaimAsync(Claim("grow"), ns);
        await Client.CoreV1.CreateNamespacedPodAsync(PodUsing("user", "grow"), ns);
        await ObservedState.Until(() => Client.CoreV1.ReadNamespacedPersistentVolumeClaimAsync("grow", ns), c => c.Status?.Phase == "Bound", "bound", 20);
        var patch = new V1Patch("{\"spec\":{\"resources\":{\"requests\":{\"storage\":\"2Gi\"}}}}", V1Patch.PatchType.MergePatch);
        var e = await Objects.Fails(() => Client.CoreV1.PatchNamespacedPersistentVolumeClaimAsync(patch, "grow", ns));
        Assert.Equal(403, (int)e.Response.StatusCode);
        Assert.Equal("persistentvolumeclaims \"grow\" is forbidden: only dynamically provisioned pvc can be resized and the storageclass that provisions the pvc must support resize", Message(e));
    }

    [Fact]
    public async Task The_claim_spec_is_immutable_and_a_StorageClass_keeps_its_provisioner()
    {
        var ns = await f.NewNamespaceAsync("val");
        await Client.CoreV1.CreateNamespacedPersistentVolumeClaimAsync(Claim("fixed"), ns);
        var e = await Objects.Fails(() => Client.CoreV1.PatchNamespacedPersistentVolumeClaimAsync(
            new V1Patch("{\"spec\":{\"accessModes\":[\"ReadWriteMany\"]}}", V1Patch.PatchType.MergePatch), "fixed", ns));
        Assert.StartsWith("PersistentVolumeClaim \"fixed\" is invalid: spec: Forbidden: spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims", Message(e));

        var sc = await Objects.Fails(() => Client.StorageV1.PatchStorageClassAsync(
            new V1Patch("{\"provisioner\":\"example.com/other\",\"reclaimPolicy\":\"Retain\"}", V1Patch.PatchType.MergePatch), "standard"));
        Assert.Equal("StorageClass.storage.k8s.io \"standard\" is invalid: [provisioner: Forbidden: updates to provisioner are forbidden., reclaimPolicy: Forbidden: updates to reclaimPolicy are forbidden.]", Message(sc));
    }

    [Fact]
    public async Task A_volume_needs_a_capacity_and_a_source()
    {
        var pv = HostPathVolume("val-nosource", "1Gi");
        pv.Spec.HostPath = null;
        pv.Spec.Capacity = null;
        var e = await Objects.Fails(() => Client.CoreV1.CreatePersistentVolumeAsync(pv));
        Assert.Equal("PersistentVolume \"val-nosource\" is invalid: [spec.capacity: Required value, spec: Required value: must specify a volume type]", Message(e));
    }
}
