namespace KubeLab.Runner; internal static class Placeholder {}
