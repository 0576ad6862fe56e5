package dev.switchboard.gateway; public final class Main { public static void main(String[] a) {} }
