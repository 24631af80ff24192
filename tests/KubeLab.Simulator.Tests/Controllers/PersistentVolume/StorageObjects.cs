using k8s.Models;

namespace KubeLab.Simulator.Tests.Controllers.PersistentVolume;

/// <summary>PVs, claims and pods for the storage tests.</summary>
public static class StorageObjects
{
    public static V1PersistentVolume HostPathVolume(string name, string size, string className = "manual", string path = "/data/pv",
        string reclaim = "Retain", IList<string>? modes = null, IDictionary<string, string>? labels = null) => new()
    {
        ApiVersion = "v1", Kind = "PersistentVolume",
        Metadata = new V1ObjectMeta { Name = name, Labels = labels },
        Spec = new V1PersistentVolumeSpec
        {
            AccessModes = modes ?? ["ReadWriteOnce"],
            Capacity = new Dictionary<string, ResourceQuantity> { ["storage"] = new(size) },
            StorageClassName = className,
            PersistentVolumeReclaimPolicy = reclaim,
            HostPath = new V1HostPathVolumeSource { Path = path },
        },
    };

    public static V1PersistentVolumeClaim Claim(string name, string size = "1Gi", string? className = null, IList<string>? modes = null,
        V1LabelSelector? selector = null) => new()
    {
        ApiVersion = "v1", Kind = "PersistentVolumeClaim",
        Metadata = new V1ObjectMeta { Name = name },
        Spec = new V1PersistentVolumeClaimSpec
        {
            AccessModes = modes ?? ["ReadWriteOnce"],
            StorageClassName = className,
            Selector = selector,
            Resources = new V1VolumeResourceRequirements { Requests = new Dictionary<string, ResourceQuantity> { ["storage"] = new(size) } },
        },
    };

    public static V1Pod PodUsing(string name, string claim)
    {
        var pod = Objects.Pod(name, image: "busybox:1.36");
        pod.Spec.Containers[0].Command = ["sleep", "3600"];
        pod.Spec.TerminationGracePeriodSeconds = 0;
        pod.Spec.Volumes = [new V1Volume { Name = "data", PersistentVolumeClaim = new V1PersistentVolumeClaimVolumeSource { ClaimName = claim } }];
        pod.Spec.Containers[0].VolumeMounts = [new V1VolumeMount { Name = "data", MountPath = "/data" }];
        return pod;
    }
}
