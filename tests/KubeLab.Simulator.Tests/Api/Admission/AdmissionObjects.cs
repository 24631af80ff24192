using k8s.Models;

namespace KubeLab.Simulator.Tests.Api.Admission;

/// <summary>Builders shared by the admission tests: pods with given resources, quotas, limit ranges.</summary>
public static class AdmissionObjects
{
    public static V1Pod PodWith(string name, Dictionary<string, string>? requests = null, Dictionary<string, string>? limits = null, string container = "app") => new()
    {
        Metadata = new() { Name = name },
        Spec = new()
        {
            Containers =
            [
                new()
                {
                    Name = container, Image = "busybox", Command = ["sleep", "3600"],
                    Resources = requests is null && limits is null ? null : new V1ResourceRequirements
                    {
                        Requests = requests?.ToDictionary(kv => kv.Key, kv => new ResourceQuantity(kv.Value)),
                        Limits = limits?.ToDictionary(kv => kv.Key, kv => new ResourceQuantity(kv.Value)),
                    },
                },
            ],
        },
    };

    public static V1ResourceQuota Quota(string name, Dictionary<string, string> hard) => new()
    {
        Metadata = new() { Name = name },
        Spec = new() { Hard = hard.ToDictionary(kv => kv.Key, kv => new ResourceQuantity(kv.Value)) },
    };

    public static Dictionary<string, string> Cpu(string q) => new() { ["cpu"] = q };
}
