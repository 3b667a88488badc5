export default function Home() {
  return <main><h1>Keyhole</h1></main>;
}
