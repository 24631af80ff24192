namespace KubeLab.Charts; internal static class Placeholder {}
