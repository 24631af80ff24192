namespace KubeLab.PlotlyRenderer; internal static class Placeholder {}
