package dev.switchboard.bench; final class Placeholder {}
