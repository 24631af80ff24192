using System.Globalization;
using k8s.Models;

namespace KubeLab.Simulator.Kubelet.Prober;

/// <summary>
/// A probe's port: a number, or the name of one of the container's ports (pkg/probe/util.go ResolveContainerPort).
/// An unknown name falls back to parsing it as a number, so its error is Go's strconv.Atoi text.
/// </summary>
public static class ContainerPort
{
    public static bool TryResolve(IntOrString? port, V1Container container, out int number, out string error)
    {
        number = -1;
        error = "";
        var value = port?.Value ?? "";
        var named = container.Ports?.FirstOrDefault(p => p.Name == value);
        if (named is not null) number = named.ContainerPort;
        else if (!int.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out number))
        {
            error = $"strconv.Atoi: parsing \"{value}\": invalid syntax";
            return false;
        }
        if (number is > 0 and < 65536) return true;
        error = $"invalid port number: {number}";
        return false;
    }
}
