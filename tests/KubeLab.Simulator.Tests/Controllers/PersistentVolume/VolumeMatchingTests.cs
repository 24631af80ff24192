using k8s.Models;
using KubeLab.Simulator.Controllers.PersistentVolume;
using static KubeLab.Simulator.Tests.Controllers.PersistentVolume.StorageObjects;

namespace KubeLab.Simulator.Tests.Controllers.PersistentVolume;

/// <summary>index.go findBestMatchForClaim as a pure function: access-mode sets, size, class, pre-binding, node affinity.</summary>
public class VolumeMatchingTests
{
    private static V1PersistentVolume Available(V1PersistentVolume pv)
    {
        pv.Status = new V1PersistentVolumeStatus { Phase = "Available" };
        return pv;
    }

    private static V1PersistentVolumeClaim Named(V1PersistentVolumeClaim c)
    {
        c.Metadata.NamespaceProperty = "ns";
        c.Metadata.Uid = "uid-1";
        return c;
    }

    [Fact]
    public void The_smallest_access_mode_set_is_searched_first_even_if_a_bigger_set_has_a_smaller_volume()
    {
        var rwoOnly = Available(HostPathVolume("rwo-10g", "10Gi", className: "c"));
        var rwoRwx = Available(HostPathVolume("rwo-rwx-1g", "1Gi", className: "c", modes: ["ReadWriteOnce", "ReadWriteMany"]));
        var match = VolumeMatching.FindBestMatch(Named(Claim("data", "1Gi", "c")), [rwoRwx, rwoOnly], delayBinding: false);
        Assert.Equal("rwo-10g", match?.Metadata.Name);
    }

    [Fact]
    public void Class_size_and_phase_must_fit_and_the_smallest_fitting_volume_wins()
    {
        var volumes = new[]
        {
            Available(HostPathVolume("other-class", "2Gi", className: "x")),
            Available(HostPathVolume("too-small", "1Gi", className: "c")),
            Available(HostPathVolume("just-right", "3Gi", className: "c")),
            Available(HostPathVolume("roomy", "8Gi", className: "c")),
            HostPathVolume("pending", "2Gi", className: "c"),
        };
        Assert.Equal("just-right", VolumeMatching.FindBestMatch(Named(Claim("data", "2Gi", "c")), volumes, false)?.Metadata.Name);
        Assert.Null(VolumeMatching.FindBestMatch(Named(Claim("data", "20Gi", "c")), volumes, false));
    }

    [Fact]
    public void With_delayed_binding_the_controller_takes_only_a_prebound_volume_but_the_scheduler_checks_node_affinity()
    {
        var local = Available(HostPathVolume("local", "1Gi", className: "c"));
        local.Spec.NodeAffinity = new V1VolumeNodeAffinity
        {
            Required = new V1NodeSelector { NodeSelectorTerms = [new V1NodeSelectorTerm { MatchExpressions = [new V1NodeSelectorRequirement { Key = "kubernetes.io/hostname", OperatorProperty = "In", Values = ["n1"] }] }] },
        };
        var claim = Named(Claim("data", "1Gi", "c"));
        Assert.Null(VolumeMatching.FindBestMatch(claim, [local], delayBinding: true));
        Node(out var n1, "n1");
        Node(out var n2, "n2");
        Assert.Equal("local", VolumeMatching.FindBestMatch(claim, [local], true, n1)?.Metadata.Name);
        Assert.Null(VolumeMatching.FindBestMatch(claim, [local], true, n2));

        local.Spec.ClaimRef = new V1ObjectReference { Name = "data", NamespaceProperty = "ns" };
        Assert.Equal("local", VolumeMatching.FindBestMatch(claim, [local], delayBinding: true)?.Metadata.Name);
    }

    [Fact]
    public void A_volume_named_in_spec_volumeName_is_checked_with_the_controllers_reasons()
    {
        var small = HostPathVolume("small", "1Gi", className: "c");
        Assert.Equal("requested PV is too small", VolumeMatching.Unsatisfied(small, Claim("data", "2Gi", "c")));
        Assert.Equal("storageClassName does not match", VolumeMatching.Unsatisfied(small, Claim("data", "1Gi", "d")));
        Assert.Equal("incompatible accessMode", VolumeMatching.Unsatisfied(small, Claim("data", "1Gi", "c", ["ReadWriteMany"])));
        Assert.Null(VolumeMatching.Unsatisfied(small, Claim("data", "1Gi", "c")));
    }

    private static void Node(out V1Node node, string name) =>
        node = new V1Node { Metadata = new V1ObjectMeta { Name = name, Labels = new Dictionary<string, string> { ["kubernetes.io/hostname"] = name } } };
}
